using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LoyaltyConsole.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Workflows : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "Alerts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Message = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    WorkflowId = table.Column<int>(type: "INTEGER", nullable: true),
                    AcknowledgedAt = table.Column<DateTime>(type: "TEXT", nullable: true),
                    AcknowledgedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Alerts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Rewards",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    Points = table.Column<int>(type: "INTEGER", nullable: true),
                    Percent = table.Column<int>(type: "INTEGER", nullable: true),
                    Item = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    DurationDays = table.Column<int>(type: "INTEGER", nullable: true),
                    EstimatedCostMinor = table.Column<long>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 3, nullable: false),
                    IsActive = table.Column<bool>(type: "INTEGER", nullable: false),
                    ChangedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ChangedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Rewards", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Workflows",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    SegmentIds = table.Column<string>(type: "TEXT", nullable: false),
                    RewardId = table.Column<int>(type: "INTEGER", nullable: true),
                    Channel = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Phase = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    PilotPercent = table.Column<int>(type: "INTEGER", nullable: false),
                    ControlPercent = table.Column<int>(type: "INTEGER", nullable: false),
                    Cron = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    IsPaused = table.Column<bool>(type: "INTEGER", nullable: false),
                    PausedReason = table.Column<string>(type: "TEXT", maxLength: 500, nullable: true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    ChangedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ChangedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Caps_BreakerMaxMultipleOfAverage = table.Column<double>(type: "REAL", nullable: false),
                    Caps_BreakerMaxShareOfSegment = table.Column<double>(type: "REAL", nullable: false),
                    Caps_BudgetPerPeriodMinor = table.Column<long>(type: "INTEGER", nullable: true),
                    Caps_BudgetPeriodDays = table.Column<int>(type: "INTEGER", nullable: false),
                    Caps_CostPerClientMinor = table.Column<long>(type: "INTEGER", nullable: true),
                    Caps_MaxMessagesPerClient = table.Column<int>(type: "INTEGER", nullable: false),
                    Caps_MaxRewardShareOfValue = table.Column<double>(type: "REAL", nullable: false),
                    Caps_MessageWindowDays = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Workflows", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Workflows_Rewards_RewardId",
                        column: x => x.RewardId,
                        principalTable: "Rewards",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "Proposals",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    WorkflowId = table.Column<int>(type: "INTEGER", nullable: false),
                    WorkflowVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    ClientId = table.Column<int>(type: "INTEGER", nullable: false),
                    LocationId = table.Column<int>(type: "INTEGER", nullable: false),
                    RunDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    Status = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    RewardId = table.Column<int>(type: "INTEGER", nullable: true),
                    CostMinor = table.Column<long>(type: "INTEGER", nullable: false),
                    Currency = table.Column<string>(type: "TEXT", fixedLength: true, maxLength: 3, nullable: false),
                    PlannedSendAtUtc = table.Column<DateTime>(type: "TEXT", nullable: true),
                    Rationale = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    EvidenceJson = table.Column<string>(type: "TEXT", nullable: false),
                    Guardrails = table.Column<string>(type: "TEXT", nullable: false),
                    RequiresReview = table.Column<bool>(type: "INTEGER", nullable: false),
                    DraftText = table.Column<string>(type: "TEXT", maxLength: 1600, nullable: true),
                    DraftProvider = table.Column<string>(type: "TEXT", maxLength: 64, nullable: true),
                    DraftModel = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    PromptTemplateVersion = table.Column<string>(type: "TEXT", maxLength: 32, nullable: true),
                    DraftTokens = table.Column<int>(type: "INTEGER", nullable: true),
                    DraftFlagged = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<DateTime>(type: "TEXT", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Proposals", x => x.Id);
                    table.ForeignKey(
                        name: "FK_Proposals_Clients_ClientId",
                        column: x => x.ClientId,
                        principalTable: "Clients",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_Proposals_Workflows_WorkflowId",
                        column: x => x.WorkflowId,
                        principalTable: "Workflows",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Alerts_AcknowledgedAt",
                table: "Alerts",
                column: "AcknowledgedAt");

            migrationBuilder.CreateIndex(
                name: "IX_Proposals_ClientId_Status",
                table: "Proposals",
                columns: new[] { "ClientId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_Proposals_Status_LocationId",
                table: "Proposals",
                columns: new[] { "Status", "LocationId" });

            migrationBuilder.CreateIndex(
                name: "IX_Proposals_WorkflowId_ClientId_RunDate",
                table: "Proposals",
                columns: new[] { "WorkflowId", "ClientId", "RunDate" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Rewards_Name",
                table: "Rewards",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Workflows_Name",
                table: "Workflows",
                column: "Name",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_Workflows_RewardId",
                table: "Workflows",
                column: "RewardId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "Alerts");

            migrationBuilder.DropTable(
                name: "Proposals");

            migrationBuilder.DropTable(
                name: "Workflows");

            migrationBuilder.DropTable(
                name: "Rewards");
        }
    }
}

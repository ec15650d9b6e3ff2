using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LoyaltyConsole.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Scoring : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "ModelFits",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Version = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    AsOf = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    FittedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Customers = table.Column<int>(type: "INTEGER", nullable: false),
                    R = table.Column<double>(type: "REAL", nullable: false),
                    Alpha = table.Column<double>(type: "REAL", nullable: false),
                    A = table.Column<double>(type: "REAL", nullable: false),
                    B = table.Column<double>(type: "REAL", nullable: false),
                    BgNbdLogLikelihood = table.Column<double>(type: "REAL", nullable: false),
                    BgNbdConverged = table.Column<bool>(type: "INTEGER", nullable: false),
                    SpendCustomers = table.Column<int>(type: "INTEGER", nullable: false),
                    P = table.Column<double>(type: "REAL", nullable: false),
                    Q = table.Column<double>(type: "REAL", nullable: false),
                    Gamma = table.Column<double>(type: "REAL", nullable: false),
                    GammaGammaLogLikelihood = table.Column<double>(type: "REAL", nullable: false),
                    GammaGammaConverged = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ModelFits", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SegmentationRuns",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AsOf = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    StartedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    FinishedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ClientsScored = table.Column<int>(type: "INTEGER", nullable: false),
                    ModelFitId = table.Column<long>(type: "INTEGER", nullable: false),
                    TriggeredBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SegmentationRuns", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Segments",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Key = table.Column<string>(type: "TEXT", maxLength: 50, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    Description = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    IsActive = table.Column<bool>(type: "INTEGER", nullable: false),
                    ChangedAt = table.Column<DateTime>(type: "TEXT", nullable: false),
                    ChangedBy = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Rule_MaxDaysSinceLastVisit = table.Column<int>(type: "INTEGER", nullable: true),
                    Rule_MaxPointsToNextReward = table.Column<int>(type: "INTEGER", nullable: true),
                    Rule_MaxProbabilityAlive = table.Column<double>(type: "REAL", nullable: true),
                    Rule_MaxRetailAttachRate = table.Column<double>(type: "REAL", nullable: true),
                    Rule_MaxTenureDays = table.Column<int>(type: "INTEGER", nullable: true),
                    Rule_MinDaysSinceLastVisit = table.Column<int>(type: "INTEGER", nullable: true),
                    Rule_MinPointsExpiring30Days = table.Column<int>(type: "INTEGER", nullable: true),
                    Rule_MinPredictedValueMinor = table.Column<long>(type: "INTEGER", nullable: true),
                    Rule_MinVisits12Months = table.Column<int>(type: "INTEGER", nullable: true),
                    Rule_MustBeEligibleForTierUpgrade = table.Column<bool>(type: "INTEGER", nullable: true),
                    Rule_MustBeOverdue = table.Column<bool>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Segments", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "ClientScores",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ClientId = table.Column<int>(type: "INTEGER", nullable: false),
                    AsOf = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    ModelFitId = table.Column<long>(type: "INTEGER", nullable: false),
                    HomeLocationId = table.Column<int>(type: "INTEGER", nullable: false),
                    Visits = table.Column<int>(type: "INTEGER", nullable: false),
                    DaysSinceLastVisit = table.Column<int>(type: "INTEGER", nullable: false),
                    TenureDays = table.Column<int>(type: "INTEGER", nullable: false),
                    AverageSpendMinor = table.Column<long>(type: "INTEGER", nullable: false),
                    Visits12Months = table.Column<int>(type: "INTEGER", nullable: false),
                    Spend12MonthsMinor = table.Column<long>(type: "INTEGER", nullable: false),
                    MeanIntervalDays = table.Column<double>(type: "REAL", nullable: true),
                    IntervalStdDevDays = table.Column<double>(type: "REAL", nullable: true),
                    LapseAfter = table.Column<DateTime>(type: "TEXT", nullable: true),
                    IsOverdue = table.Column<bool>(type: "INTEGER", nullable: false),
                    FavouriteCategory = table.Column<string>(type: "TEXT", maxLength: 50, nullable: true),
                    FavouriteStaffId = table.Column<int>(type: "INTEGER", nullable: true),
                    RetailAttachRate = table.Column<double>(type: "REAL", nullable: false),
                    TopBrand = table.Column<string>(type: "TEXT", maxLength: 100, nullable: true),
                    PointsBalance = table.Column<int>(type: "INTEGER", nullable: false),
                    PointsExpiring30Days = table.Column<int>(type: "INTEGER", nullable: false),
                    PointsToNextReward = table.Column<int>(type: "INTEGER", nullable: true),
                    ProbabilityAlive = table.Column<double>(type: "REAL", nullable: false),
                    ExpectedVisits90Days = table.Column<double>(type: "REAL", nullable: false),
                    PredictedValueMinor = table.Column<long>(type: "INTEGER", nullable: false),
                    RfmRecency = table.Column<int>(type: "INTEGER", nullable: false),
                    RfmFrequency = table.Column<int>(type: "INTEGER", nullable: false),
                    RfmMonetary = table.Column<int>(type: "INTEGER", nullable: false),
                    RfmSegment = table.Column<string>(type: "TEXT", maxLength: 32, nullable: false),
                    EligibleTierId = table.Column<int>(type: "INTEGER", nullable: true),
                    NextTierId = table.Column<int>(type: "INTEGER", nullable: true),
                    EligibleForTierUpgrade = table.Column<bool>(type: "INTEGER", nullable: false),
                    TierRationale = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ClientScores", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ClientScores_Clients_ClientId",
                        column: x => x.ClientId,
                        principalTable: "Clients",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ClientScores_ModelFits_ModelFitId",
                        column: x => x.ModelFitId,
                        principalTable: "ModelFits",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "SegmentMemberships",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    SegmentId = table.Column<int>(type: "INTEGER", nullable: false),
                    ClientId = table.Column<int>(type: "INTEGER", nullable: false),
                    EnteredOn = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    ExitedOn = table.Column<DateOnly>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SegmentMemberships", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SegmentMemberships_Clients_ClientId",
                        column: x => x.ClientId,
                        principalTable: "Clients",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SegmentMemberships_Segments_SegmentId",
                        column: x => x.SegmentId,
                        principalTable: "Segments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "SegmentRunCount",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    RunId = table.Column<long>(type: "INTEGER", nullable: false),
                    SegmentId = table.Column<int>(type: "INTEGER", nullable: false),
                    Members = table.Column<int>(type: "INTEGER", nullable: false),
                    Entered = table.Column<int>(type: "INTEGER", nullable: false),
                    Exited = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SegmentRunCount", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SegmentRunCount_SegmentationRuns_RunId",
                        column: x => x.RunId,
                        principalTable: "SegmentationRuns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SegmentRunCount_Segments_SegmentId",
                        column: x => x.SegmentId,
                        principalTable: "Segments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ClientScores_AsOf_HomeLocationId",
                table: "ClientScores",
                columns: new[] { "AsOf", "HomeLocationId" });

            migrationBuilder.CreateIndex(
                name: "IX_ClientScores_ClientId_AsOf",
                table: "ClientScores",
                columns: new[] { "ClientId", "AsOf" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ClientScores_ModelFitId",
                table: "ClientScores",
                column: "ModelFitId");

            migrationBuilder.CreateIndex(
                name: "IX_ModelFits_AsOf",
                table: "ModelFits",
                column: "AsOf",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_ModelFits_Version",
                table: "ModelFits",
                column: "Version",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_SegmentationRuns_AsOf",
                table: "SegmentationRuns",
                column: "AsOf");

            migrationBuilder.CreateIndex(
                name: "IX_SegmentMemberships_ClientId_ExitedOn",
                table: "SegmentMemberships",
                columns: new[] { "ClientId", "ExitedOn" });

            migrationBuilder.CreateIndex(
                name: "IX_SegmentMemberships_SegmentId_ExitedOn_ClientId",
                table: "SegmentMemberships",
                columns: new[] { "SegmentId", "ExitedOn", "ClientId" });

            migrationBuilder.CreateIndex(
                name: "IX_SegmentRunCount_RunId",
                table: "SegmentRunCount",
                column: "RunId");

            migrationBuilder.CreateIndex(
                name: "IX_SegmentRunCount_SegmentId",
                table: "SegmentRunCount",
                column: "SegmentId");

            migrationBuilder.CreateIndex(
                name: "IX_Segments_Key",
                table: "Segments",
                column: "Key",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ClientScores");

            migrationBuilder.DropTable(
                name: "SegmentMemberships");

            migrationBuilder.DropTable(
                name: "SegmentRunCount");

            migrationBuilder.DropTable(
                name: "ModelFits");

            migrationBuilder.DropTable(
                name: "SegmentationRuns");

            migrationBuilder.DropTable(
                name: "Segments");
        }
    }
}

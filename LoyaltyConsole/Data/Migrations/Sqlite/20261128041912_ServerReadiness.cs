using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LoyaltyConsole.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ServerReadiness : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<bool>(
                name: "IsKeyed",
                table: "AuditEntries",
                type: "INTEGER",
                nullable: false,
                defaultValue: false);

            migrationBuilder.CreateTable(
                name: "DataProtectionKeys",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    FriendlyName = table.Column<string>(type: "TEXT", nullable: true),
                    Xml = table.Column<string>(type: "TEXT", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_DataProtectionKeys", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "Locks",
                columns: table => new
                {
                    Name = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Version = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_Locks", x => x.Name);
                });

            migrationBuilder.CreateTable(
                name: "ProposalRuns",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    WorkflowId = table.Column<int>(type: "INTEGER", nullable: false),
                    RunDate = table.Column<DateOnly>(type: "TEXT", nullable: false),
                    At = table.Column<DateTime>(type: "TEXT", nullable: false),
                    Proposals = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ProposalRuns", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ProposalRuns_Workflows_WorkflowId",
                        column: x => x.WorkflowId,
                        principalTable: "Workflows",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.InsertData(
                table: "Locks",
                columns: new[] { "Name", "Version" },
                values: new object[] { "ledger", 0L });

            migrationBuilder.CreateIndex(
                name: "IX_ProposalRuns_WorkflowId_RunDate",
                table: "ProposalRuns",
                columns: new[] { "WorkflowId", "RunDate" },
                unique: true);

            // Days already proposed count as run, so the unique (workflow, day) refuses a second run for them too.
            migrationBuilder.Sql("""
                INSERT INTO "ProposalRuns" ("WorkflowId", "RunDate", "At", "Proposals")
                SELECT "WorkflowId", "RunDate", MIN("CreatedAt"), COUNT(*) FROM "Proposals" GROUP BY "WorkflowId", "RunDate";
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "DataProtectionKeys");

            migrationBuilder.DropTable(
                name: "Locks");

            migrationBuilder.DropTable(
                name: "ProposalRuns");

            migrationBuilder.DropColumn(
                name: "IsKeyed",
                table: "AuditEntries");
        }
    }
}

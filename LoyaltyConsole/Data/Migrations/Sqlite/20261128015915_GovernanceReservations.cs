using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LoyaltyConsole.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class GovernanceReservations : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "Caps_CooldownDays",
                table: "Workflows",
                type: "INTEGER",
                nullable: false,
                defaultValue: 30);

            migrationBuilder.AddColumn<string>(
                name: "AcknowledgementNote",
                table: "Alerts",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            // Before this release a workflow re-proposed the same client every day. Keep each client's newest open
            // proposal per workflow and expire the older ones, so the one-open-proposal index can be built.
            migrationBuilder.Sql("""
                UPDATE "Proposals"
                SET "Status" = 'Expired', "DecidedBy" = 'System', "DecidedAt" = strftime('%Y-%m-%d %H:%M:%S', 'now'),
                    "DecisionReason" = 'Superseded by a newer proposal of the same workflow for the same client.', "Revision" = "Revision" + 1
                WHERE "Status" IN ('PendingReview', 'Blocked')
                  AND EXISTS (SELECT 1 FROM "Proposals" AS newer
                              WHERE newer."WorkflowId" = "Proposals"."WorkflowId" AND newer."ClientId" = "Proposals"."ClientId"
                                AND newer."Status" IN ('PendingReview', 'Blocked') AND newer."Id" > "Proposals"."Id");
                """);

            migrationBuilder.CreateIndex(
                name: "IX_Proposals_OneOpenPerWorkflowAndClient",
                table: "Proposals",
                columns: new[] { "WorkflowId", "ClientId" },
                unique: true,
                filter: "\"Status\" IN ('PendingReview', 'Blocked')");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Proposals_OneOpenPerWorkflowAndClient",
                table: "Proposals");

            migrationBuilder.DropColumn(
                name: "Caps_CooldownDays",
                table: "Workflows");

            migrationBuilder.DropColumn(
                name: "AcknowledgementNote",
                table: "Alerts");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace LoyaltyConsole.Data.Migrations.PostgreSql
{
    /// <summary>
    /// Per-location segment counts of a run and the members page's index (in the model), and, PostgreSQL only and not
    /// in the model: trigram indexes for the Clients page's search. It matches "contains, ignoring case" (ILIKE
    /// '%term%') in the full name, the email and the phone, which a B-tree cannot serve; at a million clients every
    /// search read the whole table (2.8 s). The name index is on the expression ClientDirectory.SearchAsync sends,
    /// which EF Core's model cannot describe. SQLite and SQL Server keep scanning.
    /// </summary>
    public partial class PagesAtScale : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "SegmentRunLocationCount",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RunId = table.Column<long>(type: "bigint", nullable: false),
                    SegmentId = table.Column<int>(type: "integer", nullable: false),
                    LocationId = table.Column<int>(type: "integer", nullable: false),
                    Members = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SegmentRunLocationCount", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SegmentRunLocationCount_Locations_LocationId",
                        column: x => x.LocationId,
                        principalTable: "Locations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_SegmentRunLocationCount_SegmentationRuns_RunId",
                        column: x => x.RunId,
                        principalTable: "SegmentationRuns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SegmentRunLocationCount_Segments_SegmentId",
                        column: x => x.SegmentId,
                        principalTable: "Segments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ClientScores_AsOf_PredictedValueMinor_ClientId",
                table: "ClientScores",
                columns: new[] { "AsOf", "PredictedValueMinor", "ClientId" },
                descending: new[] { false, true, false });

            migrationBuilder.CreateIndex(
                name: "IX_SegmentRunLocationCount_LocationId",
                table: "SegmentRunLocationCount",
                column: "LocationId");

            migrationBuilder.CreateIndex(
                name: "IX_SegmentRunLocationCount_RunId",
                table: "SegmentRunLocationCount",
                column: "RunId");

            migrationBuilder.CreateIndex(
                name: "IX_SegmentRunLocationCount_SegmentId",
                table: "SegmentRunLocationCount",
                column: "SegmentId");

            migrationBuilder.Sql("CREATE EXTENSION IF NOT EXISTS pg_trgm;");
            migrationBuilder.Sql("CREATE INDEX \"IX_Clients_FullName_Trigram\" ON \"Clients\" USING gin ((\"FirstName\" || ' ' || \"LastName\") gin_trgm_ops);");
            migrationBuilder.Sql("CREATE INDEX \"IX_Clients_Email_Trigram\" ON \"Clients\" USING gin (\"Email\" gin_trgm_ops);");
            migrationBuilder.Sql("CREATE INDEX \"IX_Clients_PhoneE164_Trigram\" ON \"Clients\" USING gin (\"PhoneE164\" gin_trgm_ops);");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("DROP INDEX IF EXISTS \"IX_Clients_PhoneE164_Trigram\";");
            migrationBuilder.Sql("DROP INDEX IF EXISTS \"IX_Clients_Email_Trigram\";");
            migrationBuilder.Sql("DROP INDEX IF EXISTS \"IX_Clients_FullName_Trigram\";");

            migrationBuilder.DropTable(
                name: "SegmentRunLocationCount");

            migrationBuilder.DropIndex(
                name: "IX_ClientScores_AsOf_PredictedValueMinor_ClientId",
                table: "ClientScores");
        }
    }
}

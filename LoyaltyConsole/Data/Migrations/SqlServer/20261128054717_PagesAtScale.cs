using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LoyaltyConsole.Data.Migrations.SqlServer
{
    /// <inheritdoc />
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
                        .Annotation("SqlServer:Identity", "1, 1"),
                    RunId = table.Column<long>(type: "bigint", nullable: false),
                    SegmentId = table.Column<int>(type: "int", nullable: false),
                    LocationId = table.Column<int>(type: "int", nullable: false),
                    Members = table.Column<int>(type: "int", nullable: false)
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
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SegmentRunLocationCount");

            migrationBuilder.DropIndex(
                name: "IX_ClientScores_AsOf_PredictedValueMinor_ClientId",
                table: "ClientScores");
        }
    }
}

using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace LoyaltyConsole.Data.Migrations.PostgreSql
{
    /// <inheritdoc />
    public partial class SegmentRunTopMembers : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "TopMembersKept",
                table: "SegmentationRuns",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "SegmentRunTopMember",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    RunId = table.Column<long>(type: "bigint", nullable: false),
                    SegmentId = table.Column<int>(type: "integer", nullable: false),
                    LocationId = table.Column<int>(type: "integer", nullable: false),
                    ClientId = table.Column<int>(type: "integer", nullable: false),
                    PredictedValueMinor = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SegmentRunTopMember", x => x.Id);
                    table.ForeignKey(
                        name: "FK_SegmentRunTopMember_Locations_LocationId",
                        column: x => x.LocationId,
                        principalTable: "Locations",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "FK_SegmentRunTopMember_SegmentationRuns_RunId",
                        column: x => x.RunId,
                        principalTable: "SegmentationRuns",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_SegmentRunTopMember_Segments_SegmentId",
                        column: x => x.SegmentId,
                        principalTable: "Segments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_SegmentRunTopMember_LocationId",
                table: "SegmentRunTopMember",
                column: "LocationId");

            migrationBuilder.CreateIndex(
                name: "IX_SegmentRunTopMember_RunId_SegmentId_LocationId",
                table: "SegmentRunTopMember",
                columns: new[] { "RunId", "SegmentId", "LocationId" });

            migrationBuilder.CreateIndex(
                name: "IX_SegmentRunTopMember_SegmentId",
                table: "SegmentRunTopMember",
                column: "SegmentId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "SegmentRunTopMember");

            migrationBuilder.DropColumn(
                name: "TopMembersKept",
                table: "SegmentationRuns");
        }
    }
}

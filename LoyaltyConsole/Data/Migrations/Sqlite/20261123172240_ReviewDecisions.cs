using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace LoyaltyConsole.Data.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ReviewDecisions : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTime>(
                name: "DecidedAt",
                table: "Proposals",
                type: "TEXT",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DecidedBy",
                table: "Proposals",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "DecisionReason",
                table: "Proposals",
                type: "TEXT",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "OriginalDraftText",
                table: "Proposals",
                type: "TEXT",
                maxLength: 1600,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "Revision",
                table: "Proposals",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "DecidedAt",
                table: "Proposals");

            migrationBuilder.DropColumn(
                name: "DecidedBy",
                table: "Proposals");

            migrationBuilder.DropColumn(
                name: "DecisionReason",
                table: "Proposals");

            migrationBuilder.DropColumn(
                name: "OriginalDraftText",
                table: "Proposals");

            migrationBuilder.DropColumn(
                name: "Revision",
                table: "Proposals");
        }
    }
}

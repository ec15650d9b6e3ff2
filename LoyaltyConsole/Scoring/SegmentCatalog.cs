using LoyaltyConsole.Auditing;
using LoyaltyConsole.Data;
using LoyaltyConsole.Identity;

namespace LoyaltyConsole.Scoring;

/// <summary>Marketing leads' edits of segment definitions, as audited commands; the next segmentation run applies them.</summary>
public sealed class SegmentCatalog(CommandRunner commands)
{
    public async Task<IReadOnlyList<string>> UpdateSegmentAsync(int segmentId, SegmentForm form, AuditActor actor, CancellationToken ct = default)
    {
        var result = await commands.RunAsync(actor, Policies.ManageSegments, async command =>
        {
            var segment = await command.Db.Segments.AsTracking().SingleOrDefaultAsync(s => s.Id == segmentId, ct)
                ?? throw CommandContext.Refuse("That segment no longer exists.");
            var before = new { segment.Name, segment.Description, segment.IsActive, segment.Rule };
            segment.Change(form.Name, form.Description, form.Rule, form.IsActive, command.Now, actor.Name);
            await command.AuditAsync(AuditActions.SegmentChanged, "Segment", segment.Key, before, new { segment.Name, segment.Description, segment.IsActive, segment.Rule });
            return "Saved.";
        }, ct: ct);
        return result.Succeeded ? [] : [result.Message];
    }
}

using LoyaltyConsole.Domain.Auditing;

namespace LoyaltyConsole.Tests.Domain;

public sealed class AuditChainTests
{
    private static readonly DateTime At = new(2026, 5, 1, 10, 0, 0, DateTimeKind.Utc);

    private static List<AuditEntry> Chain(int length)
    {
        var entries = new List<AuditEntry>();
        for (var i = 0; i < length; i++)
        {
            entries.Add(AuditEntry.Append(entries.LastOrDefault(), At.AddMinutes(i), "u1", "admin@x", "user.created", "User", $"id{i}", null, $"{{\"n\":{i}}}"));
        }
        return entries;
    }

    [Fact]
    public void An_untouched_chain_verifies()
    {
        var result = AuditChainVerifier.Verify(Chain(5));

        Assert.True(result.IsIntact);
        Assert.Equal(5, result.EntriesChecked);
    }

    [Fact]
    public void Each_entry_links_to_the_hash_of_the_previous_one()
    {
        var chain = Chain(3);

        Assert.Equal(AuditEntry.GenesisHash, chain[0].PreviousHash);
        Assert.Equal(chain[0].Hash, chain[1].PreviousHash);
        Assert.Equal([1L, 2L, 3L], chain.Select(e => e.Sequence));
    }

    [Fact]
    public void Editing_an_entry_is_reported_at_that_entry()
    {
        var chain = Chain(5);
        typeof(AuditEntry).GetProperty(nameof(AuditEntry.AfterJson))!.SetValue(chain[2], "{\"n\":99}");

        var result = AuditChainVerifier.Verify(chain);

        Assert.Equal(3, result.FirstBrokenSequence);
        Assert.Contains("changed", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Deleting_an_entry_is_reported_at_the_gap()
    {
        var chain = Chain(5);
        chain.RemoveAt(1);

        Assert.Equal(3, AuditChainVerifier.Verify(chain).FirstBrokenSequence);
    }

    [Fact]
    public void Rehashing_an_edited_entry_still_breaks_the_link_from_the_next_one()
    {
        var chain = Chain(4);
        typeof(AuditEntry).GetProperty(nameof(AuditEntry.ActorName))!.SetValue(chain[1], "someone else");
        typeof(AuditEntry).GetProperty(nameof(AuditEntry.Hash))!.SetValue(chain[1], chain[1].ComputeHash());

        Assert.Equal(3, AuditChainVerifier.Verify(chain).FirstBrokenSequence);
    }

    [Fact]
    public void Null_and_empty_values_hash_differently()
    {
        var a = AuditEntry.Append(null, At, "u", "n", "a", "E", null, null, null);
        var b = AuditEntry.Append(null, At, "u", "n", "a", "E", null, "", null);

        Assert.NotEqual(a.Hash, b.Hash);
    }
}

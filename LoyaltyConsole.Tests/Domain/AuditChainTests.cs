using LoyaltyConsole.Domain.Auditing;

namespace LoyaltyConsole.Tests.Domain;

public sealed class AuditChainTests
{
    private static readonly DateTime At = new(2026, 5, 1, 10, 0, 0, DateTimeKind.Utc);
    private static readonly AuditChainKey Key = AuditChainKey.Parse(AuditChainKey.Generate());

    private static List<AuditEntry> Chain(int length, int unkeyed = 0)
    {
        var entries = new List<AuditEntry>();
        for (var i = 0; i < length; i++)
        {
            entries.Add(i < unkeyed
                ? AuditEntry.AppendUnkeyed(entries.LastOrDefault(), At.AddMinutes(i), "u1", "admin@x", "user.created", "User", $"id{i}", null, $"{{\"n\":{i}}}")
                : AuditEntry.Append(entries.LastOrDefault(), Key, At.AddMinutes(i), "u1", "admin@x", "user.created", "User", $"id{i}", null, $"{{\"n\":{i}}}"));
        }
        return entries;
    }

    private static void Set(AuditEntry entry, string property, object? value) =>
        typeof(AuditEntry).GetProperty(property)!.SetValue(entry, value);

    [Fact]
    public void An_untouched_chain_verifies()
    {
        var result = AuditChainVerifier.Verify(Chain(5), Key);

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

        var result = AuditChainVerifier.Verify(chain, Key);

        Assert.Equal(3, result.FirstBrokenSequence);
        Assert.Contains("changed", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Deleting_an_entry_is_reported_at_the_gap()
    {
        var chain = Chain(5);
        chain.RemoveAt(1);

        Assert.Equal(3, AuditChainVerifier.Verify(chain, Key).FirstBrokenSequence);
    }

    [Fact]
    public void Rehashing_an_edited_entry_still_breaks_the_link_from_the_next_one()
    {
        var chain = Chain(4);
        typeof(AuditEntry).GetProperty(nameof(AuditEntry.ActorName))!.SetValue(chain[1], "someone else");
        typeof(AuditEntry).GetProperty(nameof(AuditEntry.Hash))!.SetValue(chain[1], chain[1].ComputeHash(Key));

        Assert.Equal(3, AuditChainVerifier.Verify(chain, Key).FirstBrokenSequence);
    }

    [Fact]
    public void Null_and_empty_values_hash_differently()
    {
        var a = AuditEntry.Append(null, Key, At, "u", "n", "a", "E", null, null, null);
        var b = AuditEntry.Append(null, Key, At, "u", "n", "a", "E", null, "", null);

        Assert.NotEqual(a.Hash, b.Hash);
    }

    [Fact]
    public void A_chain_rebuilt_without_the_key_does_not_verify()
    {
        // Someone with only database access edits an entry and recomputes every hash from there the only way they can.
        var chain = Chain(4);
        Set(chain[1], nameof(AuditEntry.ActorName), "someone else");
        for (var i = 1; i < chain.Count; i++)
        {
            Set(chain[i], nameof(AuditEntry.PreviousHash), chain[i - 1].Hash);
            Set(chain[i], nameof(AuditEntry.IsKeyed), false);
            Set(chain[i], nameof(AuditEntry.Hash), chain[i].ComputeHash(null));
        }

        var result = AuditChainVerifier.Verify(chain, Key);

        Assert.Equal(2, result.FirstBrokenSequence);
        Assert.Contains("not signed with the chain key", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_chain_checked_with_another_key_does_not_verify_and_says_the_key_may_be_wrong()
    {
        var result = AuditChainVerifier.Verify(Chain(3), AuditChainKey.Parse(AuditChainKey.Generate()));

        Assert.Equal(1, result.FirstBrokenSequence);
        Assert.Contains("Audit:ChainKey", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_chain_written_before_keying_upgrades_in_place_and_its_old_entries_are_still_protected()
    {
        var upgraded = Chain(6, unkeyed: 3);
        Assert.True(AuditChainVerifier.Verify(upgraded, Key).IsIntact);

        // Rewriting the unkeyed part consistently (no key needed there) still breaks the first keyed entry's link.
        var chain = Chain(6, unkeyed: 3);
        Set(chain[0], nameof(AuditEntry.AfterJson), "{\"n\":99}");
        for (var i = 0; i < 3; i++)
        {
            if (i > 0)
            {
                Set(chain[i], nameof(AuditEntry.PreviousHash), chain[i - 1].Hash);
            }
            Set(chain[i], nameof(AuditEntry.Hash), chain[i].ComputeHash(null));
        }
        Assert.Equal(4, AuditChainVerifier.Verify(chain, Key).FirstBrokenSequence);
    }

    [Fact]
    public void A_log_cut_back_behind_the_checkpoint_is_reported()
    {
        var chain = Chain(5);
        var checkpoint = new AuditCheckpoint(5, chain[4].Hash, At.AddDays(1));
        var verifier = new AuditChainVerifier(Key);
        foreach (var entry in chain.Take(3))
        {
            verifier.Check(entry);
        }

        var result = verifier.Finish(checkpoint, entryAtCheckpoint: null);

        Assert.Equal(4, result.FirstBrokenSequence);
        Assert.Contains("removed from the end", result.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_log_that_grew_past_its_checkpoint_verifies_and_one_that_differs_there_does_not()
    {
        var chain = Chain(5);
        var verifier = new AuditChainVerifier(Key);
        chain.ForEach(e => verifier.Check(e));
        Assert.True(verifier.Finish(new AuditCheckpoint(3, chain[2].Hash, At), chain[2]).IsIntact);

        var other = new AuditChainVerifier(Key);
        chain.ForEach(e => other.Check(e));
        var result = other.Finish(new AuditCheckpoint(3, new string('a', 64), At), chain[2]);
        Assert.Equal(3, result.FirstBrokenSequence);
    }

    [Fact]
    public void A_key_shorter_than_32_bytes_is_refused_with_how_to_make_one()
    {
        var ex = Assert.Throws<LoyaltyConsole.Domain.Common.DomainException>(() => AuditChainKey.Parse("short"));
        Assert.Contains("openssl rand -base64 32", ex.Message, StringComparison.Ordinal);
    }
}

namespace LoyaltyConsole.Domain.Auditing;

/// <summary>The outcome of checking the audit chain.</summary>
public sealed record AuditVerification(long EntriesChecked, long? FirstBrokenSequence, string? Problem, AuditEntry? Newest = null)
{
    public bool IsIntact => FirstBrokenSequence is null;

    public override string ToString() => IsIntact
        ? $"Audit log intact: {EntriesChecked} entries verified."
        : $"Audit log broken at entry #{FirstBrokenSequence}: {Problem}";
}

/// <summary>
/// The newest entry as a verification saw it, kept outside the database (a file, the log). A later verification must
/// find that entry unchanged, which catches a log cut back to an earlier entry — the one change a chain alone cannot show.
/// </summary>
public sealed record AuditCheckpoint(long Sequence, string Hash, DateTime VerifiedAt);

/// <summary>Walks entries in sequence order and reports the first one that does not fit the chain.</summary>
public sealed class AuditChainVerifier(AuditChainKey? key)
{
    private string _expectedPrevious = AuditEntry.GenesisHash;
    private long _expectedSequence = 1;
    private long _checked;
    private bool _keyedSeen;
    private AuditEntry? _newest;
    private AuditVerification? _failure;

    public AuditVerification Result => _failure ?? new AuditVerification(_checked, null, null, _newest);

    /// <summary>Feeds the next entry; returns false once the chain is known to be broken.</summary>
    public bool Check(AuditEntry entry)
    {
        if (_failure is not null)
        {
            return false;
        }
        var problem = ProblemWith(entry);
        if (problem is not null)
        {
            _failure = new AuditVerification(_checked, entry.Sequence, problem, _newest);
            return false;
        }
        _checked++;
        _keyedSeen |= entry.IsKeyed;
        _expectedSequence = entry.Sequence + 1;
        _expectedPrevious = entry.Hash;
        _newest = entry;
        return true;
    }

    /// <summary>Checks the whole walk against a checkpoint written by an earlier verification.</summary>
    public AuditVerification Finish(AuditCheckpoint? checkpoint, AuditEntry? entryAtCheckpoint)
    {
        if (_failure is not null || checkpoint is null)
        {
            return Result;
        }
        if (_newest is null || _newest.Sequence < checkpoint.Sequence)
        {
            var newest = _newest?.Sequence ?? 0;
            return _failure = new AuditVerification(_checked, newest + 1,
                $"the log ends at entry #{newest}, but on {checkpoint.VerifiedAt:yyyy-MM-dd HH:mm} UTC it held entry #{checkpoint.Sequence} (entries were removed from the end).", _newest);
        }
        if (entryAtCheckpoint is null || !string.Equals(entryAtCheckpoint.Hash, checkpoint.Hash, StringComparison.Ordinal))
        {
            return _failure = new AuditVerification(_checked, checkpoint.Sequence,
                $"it differs from the checkpoint of {checkpoint.VerifiedAt:yyyy-MM-dd HH:mm} UTC (the log was rewritten from that entry or earlier).", _newest);
        }
        return Result;
    }

    private string? ProblemWith(AuditEntry entry)
    {
        if (entry.Sequence != _expectedSequence)
        {
            return $"expected entry #{_expectedSequence} next but found #{entry.Sequence} (an entry is missing or was inserted).";
        }
        if (!string.Equals(entry.PreviousHash, _expectedPrevious, StringComparison.Ordinal))
        {
            return "its link to the previous entry does not match (the previous entry was changed or removed).";
        }
        if (!entry.IsKeyed && _keyedSeen)
        {
            return "it is not signed with the chain key although earlier entries are (it was written outside the console).";
        }
        if (entry.IsKeyed && key is null)
        {
            return "it is signed with the chain key, and no key is configured to check it (set Audit:ChainKey).";
        }
        if (!string.Equals(entry.Hash, entry.ComputeHash(key), StringComparison.Ordinal))
        {
            return entry.IsKeyed
                ? "its content does not match its signature (the entry was changed, or Audit:ChainKey is not the key the log was written with)."
                : "its content does not match its hash (the entry was changed).";
        }
        return null;
    }

    public static AuditVerification Verify(IEnumerable<AuditEntry> entries, AuditChainKey? key)
    {
        var verifier = new AuditChainVerifier(key);
        foreach (var entry in entries)
        {
            if (!verifier.Check(entry))
            {
                break;
            }
        }
        return verifier.Result;
    }
}

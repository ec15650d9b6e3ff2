namespace LoyaltyConsole.Domain.Auditing;

/// <summary>The outcome of checking the audit chain.</summary>
public sealed record AuditVerification(long EntriesChecked, long? FirstBrokenSequence, string? Problem)
{
    public bool IsIntact => FirstBrokenSequence is null;

    public override string ToString() => IsIntact
        ? $"Audit log intact: {EntriesChecked} entries verified."
        : $"Audit log broken at entry #{FirstBrokenSequence}: {Problem}";
}

/// <summary>Walks entries in sequence order and reports the first one that does not fit the chain.</summary>
public sealed class AuditChainVerifier
{
    private string _expectedPrevious = AuditEntry.GenesisHash;
    private long _expectedSequence = 1;
    private long _checked;
    private AuditVerification? _failure;

    public AuditVerification Result => _failure ?? new AuditVerification(_checked, null, null);

    /// <summary>Feeds the next entry; returns false once the chain is known to be broken.</summary>
    public bool Check(AuditEntry entry)
    {
        if (_failure is not null)
        {
            return false;
        }
        string? problem = null;
        if (entry.Sequence != _expectedSequence)
        {
            problem = $"expected entry #{_expectedSequence} next but found #{entry.Sequence} (an entry is missing or was inserted).";
        }
        else if (!string.Equals(entry.PreviousHash, _expectedPrevious, StringComparison.Ordinal))
        {
            problem = "its link to the previous entry does not match (the previous entry was changed or removed).";
        }
        else if (!string.Equals(entry.Hash, entry.ComputeHash(), StringComparison.Ordinal))
        {
            problem = "its content does not match its hash (the entry was changed).";
        }
        if (problem is not null)
        {
            _failure = new AuditVerification(_checked, entry.Sequence, problem);
            return false;
        }
        _checked++;
        _expectedSequence = entry.Sequence + 1;
        _expectedPrevious = entry.Hash;
        return true;
    }

    public static AuditVerification Verify(IEnumerable<AuditEntry> entries)
    {
        var verifier = new AuditChainVerifier();
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

using LoyaltyConsole.Domain.Common;
using LoyaltyConsole.Domain.Loyalty;

namespace LoyaltyConsole.Domain.Clients;

/// <summary>
/// A client of the business. The client owns its points ledger and tier history; its points balance always
/// equals the sum of its ledger entries because the ledger can only grow through the methods here.
/// </summary>
public sealed class Client : SyncedEntity
{
    public const int NameMaxLength = 100;
    public const int EmailMaxLength = 256;
    public const int NotesMaxLength = 2000;

    private readonly List<LedgerEntry> _ledger = [];
    private readonly List<TierChange> _tierHistory = [];

    private Client()
    {
    }

    public Client(
        string firstName, string? lastName, string? email, PhoneNumber? phone, DateOnly? birthday, int homeLocationId,
        DateTime createdAt, string source, string externalId)
        : base(source, externalId)
    {
        FirstName = Guard.Text(firstName, "First name", NameMaxLength);
        LastName = Guard.OptionalText(lastName, "Last name", NameMaxLength) ?? "";
        Email = ValidEmail(email);
        PhoneE164 = phone?.E164;
        Birthday = birthday;
        HomeLocationId = homeLocationId;
        CreatedAt = Guard.Utc(createdAt, "Created time");
    }

    public int Id { get; private set; }
    public string FirstName { get; private set; } = "";
    public string LastName { get; private set; } = "";
    public string? Email { get; private set; }

    /// <summary>The phone in E.164 form, as stored and searched.</summary>
    public string? PhoneE164 { get; private set; }

    public PhoneNumber? Phone => PhoneE164 is null ? null : PhoneNumber.FromE164(PhoneE164);
    public DateOnly? Birthday { get; private set; }
    public Consent SmsConsent { get; private set; } = Consent.None;
    public Consent EmailConsent { get; private set; } = Consent.None;
    public int HomeLocationId { get; private set; }
    public int? TierId { get; private set; }
    public int PointsBalance { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? LastVisitAt { get; private set; }

    /// <summary>
    /// Set when an Admin merged this client into another (the same person from a second source): the kept client
    /// holds its visits and points, and records for this client's source id go to the kept one.
    /// </summary>
    public int? MergedIntoClientId { get; private set; }

    /// <summary>Free text from staff. Never sent to a language model.</summary>
    public string? Notes { get; private set; }

    public IReadOnlyList<LedgerEntry> Ledger => _ledger.AsReadOnly();
    public IReadOnlyList<TierChange> TierHistory => _tierHistory.AsReadOnly();

    public string DisplayName => $"{FirstName} {LastName}";

    public void SetSmsConsent(Consent consent) => SmsConsent = consent;

    public void SetEmailConsent(Consent consent) => EmailConsent = consent;

    /// <summary>
    /// Takes the details a source has for the client (a re-sync or an import); what the source leaves empty is kept.
    /// Returns whether anything changed, so a sync can count updated against unchanged.
    /// </summary>
    public bool UpdateFromSource(string? firstName, string? lastName, string? email, PhoneNumber? phone, DateOnly? birthday)
    {
        var before = (FirstName, LastName, Email, PhoneE164, Birthday);
        if (!string.IsNullOrWhiteSpace(firstName))
        {
            FirstName = Guard.Text(firstName, "First name", NameMaxLength);
        }
        if (!string.IsNullOrWhiteSpace(lastName))
        {
            LastName = Guard.Text(lastName, "Last name", NameMaxLength);
        }
        if (!string.IsNullOrWhiteSpace(email))
        {
            Email = ValidEmail(email);
        }
        if (phone is not null)
        {
            PhoneE164 = phone.E164;
        }
        if (birthday is not null)
        {
            Birthday = birthday;
        }
        return before != (FirstName, LastName, Email, PhoneE164, Birthday);
    }

    /// <summary>
    /// Takes back points a returned purchase earned: at most <paramref name="points"/>, and never below a zero
    /// balance (points already spent stay spent). Returns null when there is nothing to take back.
    /// </summary>
    public LedgerEntry? ReversePoints(int points, long moneyValueMinor, DateTime at, long? visitId, string reason, string source, string externalId)
    {
        var taken = Math.Min(points, PointsBalance);
        if (taken <= 0)
        {
            return null;
        }
        var value = points == taken ? moneyValueMinor : moneyValueMinor * taken / points;
        return Append(new LedgerEntry(LedgerEntryKind.Adjust, -taken, value, at, visitId, Guard.Text(reason, "Reason", LedgerEntry.ReasonMaxLength), source, externalId));
    }

    public void MarkMergedInto(int keptClientId)
    {
        if (keptClientId == Id)
        {
            throw new DomainException("A client cannot be merged into itself.");
        }
        MergedIntoClientId = keptClientId;
    }

    public void Unmerge() => MergedIntoClientId = null;

    /// <summary>
    /// Mirrors a movement of points from a source that keeps its own loyalty ledger (Square Loyalty). The source is
    /// the truth: its events may arrive out of order, so no balance check is made here.
    /// </summary>
    public LedgerEntry MirrorPoints(LedgerEntryKind kind, int points, long moneyValueMinor, DateTime at, long? visitId, string? reason, string source, string externalId)
    {
        if (points == 0)
        {
            throw new DomainException("A points movement must change the balance.");
        }
        return Append(new LedgerEntry(kind, points, moneyValueMinor, at, visitId, Guard.OptionalText(reason, "Reason", LedgerEntry.ReasonMaxLength), source, externalId));
    }

    /// <summary>Applies a consent a source reports, unless we recorded a later change ourselves (e.g. a STOP reply).</summary>
    public bool TakeSourceConsent(bool smsChannel, bool granted, DateTime at, string source)
    {
        var current = smsChannel ? SmsConsent : EmailConsent;
        if (current.Granted == granted || (current.ChangedAt is { } changed && changed > at && current.Source != source))
        {
            return false;
        }
        var consent = granted ? Consent.Grant(at, source) : Consent.Withdraw(at, source);
        if (smsChannel)
        {
            SmsConsent = consent;
        }
        else
        {
            EmailConsent = consent;
        }
        return true;
    }

    public void SetNotes(string? notes) => Notes = Guard.OptionalText(notes, "Notes", NotesMaxLength);

    /// <summary>Records that the client visited (or ordered); only ever moves the last visit forward.</summary>
    public void NoteVisit(DateTime at)
    {
        Guard.Utc(at, "Visit time");
        if (LastVisitAt is null || at > LastVisitAt)
        {
            LastVisitAt = at;
        }
    }

    public LedgerEntry EarnPoints(int points, long moneyValueMinor, DateTime at, long? visitId, string source, string externalId)
    {
        if (points <= 0)
        {
            throw new DomainException("Earned points must be positive.");
        }
        return Append(new LedgerEntry(LedgerEntryKind.Earn, points, moneyValueMinor, at, visitId, "Visit", source, externalId));
    }

    public LedgerEntry RedeemPoints(int points, long moneyValueMinor, DateTime at, long? visitId, string reason, string source, string externalId)
    {
        if (points <= 0)
        {
            throw new DomainException("Redeemed points must be positive.");
        }
        if (points > PointsBalance)
        {
            throw new DomainException($"Cannot redeem {points} points: the balance is {PointsBalance}.");
        }
        return Append(new LedgerEntry(LedgerEntryKind.Redeem, -points, moneyValueMinor, at, visitId, reason, source, externalId));
    }

    public LedgerEntry ExpirePoints(int points, long moneyValueMinor, DateTime at, string reason, string source, string externalId)
    {
        if (points <= 0 || points > PointsBalance)
        {
            throw new DomainException($"Can expire between 1 and {PointsBalance} points, not {points}.");
        }
        return Append(new LedgerEntry(LedgerEntryKind.Expire, -points, moneyValueMinor, at, null, reason, source, externalId));
    }

    public LedgerEntry AdjustPoints(int points, long moneyValueMinor, DateTime at, string reason, string source, string externalId)
    {
        if (points == 0)
        {
            throw new DomainException("An adjustment must change the balance.");
        }
        if (PointsBalance + points < 0)
        {
            throw new DomainException($"An adjustment of {points} would make the balance negative.");
        }
        return Append(new LedgerEntry(LedgerEntryKind.Adjust, points, moneyValueMinor, at, null, Guard.Text(reason, "Reason", LedgerEntry.ReasonMaxLength), source, externalId));
    }

    /// <summary>Moves the client to <paramref name="tier"/>; returns null when the client is already in it.</summary>
    public TierChange? ChangeTier(TierDefinition tier, DateTime at, string reason)
    {
        if (tier.Id == 0)
        {
            throw new DomainException("The tier must be saved before clients can be placed in it.");
        }
        if (TierId == tier.Id)
        {
            return null;
        }
        var change = new TierChange(TierId, tier.Id, at, reason);
        _tierHistory.Add(change);
        TierId = tier.Id;
        return change;
    }

    private LedgerEntry Append(LedgerEntry entry)
    {
        checked
        {
            PointsBalance += entry.Points;
        }
        _ledger.Add(entry);
        return entry;
    }

    private static string? ValidEmail(string? email)
    {
        var value = Guard.OptionalText(email, "Email", EmailMaxLength);
        if (value is null)
        {
            return null;
        }
        var at = value.IndexOf('@', StringComparison.Ordinal);
        if (at <= 0 || at != value.LastIndexOf('@') || at == value.Length - 1 || value.Contains(' ', StringComparison.Ordinal))
        {
            throw new DomainException($"'{value}' is not an email address.");
        }
        return value.ToLowerInvariant();
    }
}

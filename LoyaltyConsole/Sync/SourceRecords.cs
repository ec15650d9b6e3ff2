using LoyaltyConsole.Domain.Loyalty;

namespace LoyaltyConsole.Sync;

// What every source (a CSV export, Square, Shopify, a webhook) is read into before it is written. Readers turn the
// source's rows or JSON into these records and report what they cannot read as a SourceIssue; the ingest writer
// matches them to our clients, visits and locations and writes them idempotently on (source, external id).
// Text is as the source gave it, trimmed; normalising (phones to E.164, emails to lower case) is the writer's.

/// <summary>A client (customer) as the source has it.</summary>
/// <param name="ExternalId">The source's id for the client: Fresha's Client ID, Square's customer id, Shopify's customer GID.</param>
/// <param name="SourceLocationId">The source's location the client belongs to, when it says; mapped by the connection.</param>
/// <param name="SmsConsent">The source's marketing consent for SMS: true opted in, false opted out, null unknown.</param>
/// <param name="Line">Where the record came from: the file's line number, or 0 for an API record.</param>
public sealed record SourceClient(
    string ExternalId,
    string? FirstName,
    string? LastName,
    string? Email,
    string? Phone,
    DateOnly? Birthday = null,
    string? SourceLocationId = null,
    DateTime? CreatedAt = null,
    DateTime? UpdatedAt = null,
    bool? SmsConsent = null,
    bool? EmailConsent = null,
    long Line = 0);

/// <summary>
/// A visit, order or sale — or a return or refund of one (<see cref="IsReturn"/>: its lines and total are positive
/// amounts taken back). Amounts are minor units of <see cref="Currency"/>.
/// </summary>
/// <param name="ExternalId">The source's id for the sale or return; for a file without one, a key the reader derives from the row's content.</param>
/// <param name="ReturnOfExternalId">For a return, the sale it belongs to when the source says.</param>
/// <param name="Currency">ISO 4217 code; null means the location's currency.</param>
/// <param name="ClientEmail">
/// The client's email, when the source names the client by it (Shopify's orders export has no customer id: its
/// <see cref="ClientExternalId"/> is the email in lower case). Match it against clients' emails when no client has the id.
/// </param>
public sealed record SourceVisit(
    string ExternalId,
    string ClientExternalId,
    string? SourceLocationId,
    DateTime OccurredAt,
    string? Currency,
    IReadOnlyList<SourceLine> Lines,
    bool IsReturn = false,
    string? ReturnOfExternalId = null,
    DateTime? UpdatedAt = null,
    long Line = 0,
    string? ClientEmail = null)
{
    /// <summary>Sum of the lines after discounts, in minor units (positive also for a return).</summary>
    public long TotalMinor => Lines.Sum(l => l.AmountMinor);
}

/// <summary>One line of a sale or return. Quantity and prices are positive; a return says so on its visit.</summary>
public sealed record SourceLine(string Item, string? Category, int Quantity, long UnitPriceMinor, long DiscountMinor = 0, bool IsProduct = false)
{
    public long AmountMinor => UnitPriceMinor * Quantity - DiscountMinor;
}

/// <summary>
/// A movement of points kept by the source's own loyalty program (Square Loyalty): when a connection's source keeps
/// the ledger, these are mirrored as they are and the writer earns nothing itself, nor reverses points on a refund.
/// </summary>
/// <param name="Points">Signed: positive adds to the balance, negative takes away.</param>
public sealed record SourceLedgerEvent(
    string ExternalId,
    string ClientExternalId,
    LedgerEntryKind Kind,
    int Points,
    DateTime OccurredAt,
    string? Reason = null,
    string? VisitExternalId = null);

/// <summary>A row or record the reader could not use, with where it was and why: reported, never fatal.</summary>
/// <param name="Kind">Skipped (nothing to import, e.g. no customer id) or Failed (unreadable or invalid).</param>
public sealed record SourceIssue(long Line, SourceIssueKind Kind, string Reason, string? Raw = null);

public enum SourceIssueKind
{
    /// <summary>Nothing to import (no customer id, a blank row): counted as skipped.</summary>
    Skipped,

    /// <summary>Could not be read or written: counted as failed.</summary>
    Failed,

    /// <summary>Imported, but part of it was dropped (e.g. an invalid phone): counted with what was written.</summary>
    Warning,
}

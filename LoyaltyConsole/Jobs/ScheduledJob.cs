namespace LoyaltyConsole.Jobs;

/// <summary>What the Jobs page needs to know about a job beyond what Quartz stores.</summary>
public sealed record ScheduledJob(string Name, string Description, string DefaultCron);

public static class ScheduledJobs
{
    public static readonly ScheduledJob DemoDailyVisits = new(
        "demo-daily-visits", "Adds the day's new visits to the demo business so it keeps moving.", "0 30 23 * * ?");

    public static readonly ScheduledJob Segmentation = new(
        "segmentation", "Scores and segments every client once it is night in every location's time zone.", "0 5 * * * ?");

    public static readonly ScheduledJob Proposals = new(
        "proposals", "Proposes tier changes, rewards and SMS for the latest scored day, checked by every guardrail.", "0 20 * * * ?");

    public static readonly ScheduledJob ExpireProposals = new(
        "expire-proposals", "Expires proposals that waited longer than the review window (Review:ExpireAfterDays), releasing what they reserved.", "0 40 * * * ?");

    public static readonly ScheduledJob ReviewDigest = new(
        "review-digest", "Emails each reviewer how many proposals wait for them (only when Digest:Enabled).", "0 0 7 * * ?");

    public static readonly ScheduledJob ConnectionSync = new(
        "connection-sync", "Syncs each enabled Square and Shopify connection whose own schedule is due (checked every minute).", "0 * * * * ?");

    public static readonly ScheduledJob ApplyInbox = new(
        "apply-webhooks", "Applies the webhook deliveries waiting in the inbox, retrying failures with backoff.", "0 * * * * ?");

    public static readonly ScheduledJob DispatchOutbox = new(
        "dispatch-outbox", "Carries out approved actions from the outbox: tier write-backs, points, reward codes and SMS (checked again before sending).", "0 * * * * ?");

    public static readonly ScheduledJob VerifyAudit = new(
        "verify-audit-chain", "Re-computes the audit log's hash chain and fails loudly if any entry was altered.", "0 15 2 * * ?");
}

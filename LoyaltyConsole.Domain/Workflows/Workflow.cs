using System.Security.Cryptography;
using System.Text;
using LoyaltyConsole.Domain.Common;
using LoyaltyConsole.Domain.Guardrails;

namespace LoyaltyConsole.Domain.Workflows;

public enum WorkflowKind
{
    TierChange,
    WinBack,
    PointsExpiryNudge,
    SegmentDoublePoints,
    NextBestOffer,
    Birthday,
}

/// <summary>Off → Shadow (compute and record only) → Review (people decide) → Automated (low-stakes actions run by themselves).</summary>
public enum WorkflowPhase
{
    Off,
    Shadow,
    Review,
    Automated,
}

public enum PilotAssignment
{
    OutsidePilot,
    Control,
    Treatment,
}

/// <summary>The caps a workflow runs under; null means no cap of that kind. The bounds are what any business could mean.</summary>
public sealed record WorkflowCaps
{
    public const int MaxPeriodDays = 366;
    public const int MaxMessagesLimit = 50;
    public const int MaxCooldownDays = 365;
    public const int DefaultCooldownDays = 30;

    public long? BudgetPerPeriodMinor { get; init; }
    public int BudgetPeriodDays { get; init; } = 30;
    public long? CostPerClientMinor { get; init; }
    public int MaxMessagesPerClient { get; init; } = 1;
    public int MessageWindowDays { get; init; } = 7;
    public double MaxRewardShareOfValue { get; init; } = 0.2;
    public double BreakerMaxShareOfSegment { get; init; } = 0.5;
    public double BreakerMaxMultipleOfAverage { get; init; } = 3;

    /// <summary>Days after a decision on a client before the workflow may propose to them again.</summary>
    public int CooldownDays { get; init; } = DefaultCooldownDays;
}

/// <summary>A rule of the loyalty program that a marketing lead configures: whom it targets, what it offers, how.</summary>
public sealed class Workflow
{
    public const int NameMaxLength = 100;

    private Workflow()
    {
    }

    public Workflow(string name, WorkflowKind kind, IReadOnlyCollection<int> segmentIds, int? rewardId, Channel channel, WorkflowCaps caps,
        int pilotPercent, int controlPercent, string? cron, DateTime at, string changedBy, WorkflowPhase phase = WorkflowPhase.Off)
    {
        Kind = kind;
        Change(name, segmentIds, rewardId, channel, phase, caps, pilotPercent, controlPercent, cron, false, at, changedBy);
    }

    public int Id { get; private set; }
    public string Name { get; private set; } = "";
    public WorkflowKind Kind { get; private set; }

    /// <summary>The segments whose members the workflow considers (stored as a JSON array).</summary>
    public List<int> SegmentIds { get; private set; } = [];

    public int? RewardId { get; private set; }
    public Channel Channel { get; private set; }
    public WorkflowPhase Phase { get; private set; }
    public WorkflowCaps Caps { get; private set; } = new();
    public int PilotPercent { get; private set; }
    public int ControlPercent { get; private set; }
    public string? Cron { get; private set; }

    /// <summary>Set by the circuit breaker; a paused workflow proposes nothing until a person resumes it.</summary>
    public bool IsPaused { get; private set; }

    public string? PausedReason { get; private set; }

    /// <summary>Increases with every change, and is stored with every proposal it produced.</summary>
    public int Version { get; private set; }

    public DateTime ChangedAt { get; private set; }
    public string ChangedBy { get; private set; } = "";

    public void Change(string name, IReadOnlyCollection<int> segmentIds, int? rewardId, Channel channel, WorkflowPhase phase, WorkflowCaps caps,
        int pilotPercent, int controlPercent, string? cron, bool resume, DateTime at, string changedBy)
    {
        var problems = Validate(Kind, segmentIds, rewardId, channel, caps, pilotPercent, controlPercent);
        if (problems.Count > 0)
        {
            throw new DomainException(string.Join(" ", problems));
        }
        Name = Guard.Text(name, "Workflow name", NameMaxLength);
        SegmentIds = segmentIds.Distinct().Order().ToList();
        RewardId = rewardId;
        Channel = channel;
        Phase = phase;
        Caps = caps;
        PilotPercent = pilotPercent;
        ControlPercent = controlPercent;
        Cron = string.IsNullOrWhiteSpace(cron) ? null : cron.Trim();
        if (resume)
        {
            IsPaused = false;
            PausedReason = null;
        }
        Version++;
        ChangedAt = Guard.Utc(at, "Change time");
        ChangedBy = Guard.Text(changedBy, "Changed by", 256);
    }

    public void Pause(string reason, DateTime at)
    {
        IsPaused = true;
        PausedReason = Guard.Text(reason, "Reason", 500);
        ChangedAt = Guard.Utc(at, "Pause time");
    }

    /// <summary>
    /// A stable draw per client and workflow: the same client stays in the same group run after run, so lift can be
    /// measured, and different workflows draw independently. The pilot takes <see cref="PilotPercent"/> of clients;
    /// within the pilot, <see cref="ControlPercent"/> are held out as control and never contacted.
    /// </summary>
    public PilotAssignment AssignmentOf(int clientId)
    {
        var pilotDraw = Draw(clientId, "pilot");
        if (pilotDraw >= PilotPercent * 100)
        {
            return PilotAssignment.OutsidePilot;
        }
        return Draw(clientId, "control") < ControlPercent * 100 ? PilotAssignment.Control : PilotAssignment.Treatment;
    }

    // 0..9999 from SHA-256 of the workflow, purpose and client: uniform, stable across processes and releases.
    private int Draw(int clientId, string purpose)
    {
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{Id}:{Kind}:{purpose}:{clientId}"));
        return (int)(BitConverter.ToUInt32(bytes, 0) % 10_000);
    }

    public static IReadOnlyList<string> Validate(WorkflowKind kind, IReadOnlyCollection<int> segmentIds, int? rewardId, Channel channel, WorkflowCaps caps, int pilotPercent, int controlPercent)
    {
        var problems = new List<string>();
        if (pilotPercent is < 0 or > 100)
        {
            problems.Add("The pilot percentage must be between 0 and 100.");
        }
        if (controlPercent is < 0 or > 100)
        {
            problems.Add("The control-group percentage must be between 0 and 100.");
        }
        // Tier changes follow each client's tier eligibility; every other workflow needs the segments it targets.
        if (segmentIds.Count == 0 && kind != WorkflowKind.TierChange)
        {
            problems.Add("Choose at least one target segment.");
        }
        if (caps.BudgetPerPeriodMinor < 0 || caps.CostPerClientMinor < 0)
        {
            problems.Add("Caps cannot be negative.");
        }
        if (caps.BudgetPerPeriodMinor > Money.MaxMinor || caps.CostPerClientMinor > Money.MaxMinor)
        {
            problems.Add($"Caps cannot exceed {Money.Format(Money.MaxMinor, "USD")}.");
        }
        if (caps.BudgetPeriodDays is < 1 or > WorkflowCaps.MaxPeriodDays || caps.MessageWindowDays is < 1 or > WorkflowCaps.MaxPeriodDays)
        {
            problems.Add($"Cap periods must be between 1 and {WorkflowCaps.MaxPeriodDays} days.");
        }
        if (caps.MaxMessagesPerClient is < 0 or > WorkflowCaps.MaxMessagesLimit)
        {
            problems.Add($"The message cap must be between 0 and {WorkflowCaps.MaxMessagesLimit}.");
        }
        if (caps.CooldownDays is < 0 or > WorkflowCaps.MaxCooldownDays)
        {
            problems.Add($"The cool-down must be between 0 and {WorkflowCaps.MaxCooldownDays} days.");
        }
        if (double.IsNaN(caps.MaxRewardShareOfValue) || double.IsNaN(caps.BreakerMaxShareOfSegment)
            || caps.MaxRewardShareOfValue is < 0 or > 1 || caps.BreakerMaxShareOfSegment is <= 0 or > 1)
        {
            problems.Add("Shares must be between 0% and 100%.");
        }
        if (!(caps.BreakerMaxMultipleOfAverage is > 1 and <= 100))
        {
            problems.Add("The circuit breaker's multiple of the average must be above 1 and at most 100.");
        }
        if (channel != Channel.None && rewardId is null)
        {
            problems.Add("A message needs a reward to offer.");
        }
        return problems;
    }
}

using LoyaltyConsole.Domain.Common;

namespace LoyaltyConsole.Domain.Workflows;

/// <summary>What all workflows together may commit at one location over a rolling period.</summary>
public sealed class LocationBudget
{
    private LocationBudget()
    {
    }

    public LocationBudget(int locationId, long capMinor, int periodDays, DateTime at, string changedBy)
    {
        LocationId = locationId;
        Change(capMinor, periodDays, at, changedBy);
    }

    public int Id { get; private set; }
    public int LocationId { get; private set; }
    public long CapMinor { get; private set; }
    public int PeriodDays { get; private set; }
    public DateTime ChangedAt { get; private set; }
    public string ChangedBy { get; private set; } = "";

    public void Change(long capMinor, int periodDays, DateTime at, string changedBy)
    {
        if (capMinor < 0)
        {
            throw new DomainException("A location budget cannot be negative.");
        }
        if (periodDays is < 1 or > 366)
        {
            throw new DomainException("A budget period must be between 1 and 366 days.");
        }
        CapMinor = capMinor;
        PeriodDays = periodDays;
        ChangedAt = Guard.Utc(at, "Change time");
        ChangedBy = Guard.Text(changedBy, "Changed by", 256);
    }
}

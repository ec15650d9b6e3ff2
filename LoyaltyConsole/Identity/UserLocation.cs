namespace LoyaltyConsole.Identity;

/// <summary>A location whose clients and review items a user (typically a Manager) may work with.</summary>
public sealed class UserLocation
{
    public UserLocation(string userId, int locationId)
    {
        UserId = userId;
        LocationId = locationId;
    }

    public string UserId { get; private set; }
    public int LocationId { get; private set; }
}

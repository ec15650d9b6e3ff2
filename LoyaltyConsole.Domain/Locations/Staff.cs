using LoyaltyConsole.Domain.Common;

namespace LoyaltyConsole.Domain.Locations;

/// <summary>A stylist, therapist or sales associate working at one location.</summary>
public sealed class Staff : SyncedEntity
{
    public const int NameMaxLength = 100;

    private Staff()
    {
    }

    public Staff(int locationId, string firstName, string lastName, string role, string source, string externalId)
        : base(source, externalId)
    {
        LocationId = locationId;
        FirstName = Guard.Text(firstName, "First name", NameMaxLength);
        LastName = Guard.Text(lastName, "Last name", NameMaxLength);
        Role = Guard.Text(role, "Role", NameMaxLength);
    }

    public int Id { get; private set; }
    public int LocationId { get; private set; }
    public string FirstName { get; private set; } = "";
    public string LastName { get; private set; } = "";
    public string Role { get; private set; } = "";

    public string DisplayName => $"{FirstName} {LastName}";
}

namespace LoyaltyConsole.Identity;

public static class Roles
{
    public const string Owner = nameof(Owner);
    public const string MarketingLead = nameof(MarketingLead);
    public const string Manager = nameof(Manager);
    public const string Admin = nameof(Admin);

    public static readonly IReadOnlyList<string> All = [Owner, MarketingLead, Manager, Admin];

    public static string Describe(string role) => role switch
    {
        Owner => "Owner — performance dashboard, reports and audit log",
        MarketingLead => "Marketing lead — rules, caps and reviews for all locations",
        Manager => "Manager — review queues and clients of assigned locations",
        Admin => "Admin — users, jobs, connectors and system health",
        _ => role,
    };
}

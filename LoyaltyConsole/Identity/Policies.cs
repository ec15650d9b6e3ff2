using Microsoft.AspNetCore.Authorization;

namespace LoyaltyConsole.Identity;

/// <summary>Authorization policies; every page names one of these.</summary>
public static class Policies
{
    /// <summary>Any signed-in user of any role.</summary>
    public const string SignedIn = nameof(SignedIn);

    public const string ViewClients = nameof(ViewClients);
    public const string ManageUsers = nameof(ManageUsers);
    public const string ManageJobs = nameof(ManageJobs);

    /// <summary>Connections to the business's platforms, imports, webhooks and data-quality lists (they hold credentials and client PII).</summary>
    public const string ManageConnections = nameof(ManageConnections);
    public const string ViewAudit = nameof(ViewAudit);
    public const string ManageSegments = nameof(ManageSegments);
    public const string ViewModels = nameof(ViewModels);
    public const string ManageProgram = nameof(ManageProgram);
    public const string ViewAlerts = nameof(ViewAlerts);

    /// <summary>Approve, edit, reject and undo proposals: managers for their locations, marketing leads for all. Owners read only.</summary>
    public const string DecideProposals = nameof(DecideProposals);

    /// <summary>The outbox page: what was carried out, what waits, what failed. Admins act on it; marketing leads and owners read it.</summary>
    public const string ViewOutbox = nameof(ViewOutbox);

    /// <summary>Retry or cancel a failed or unknown outbox action.</summary>
    public const string ManageOutbox = nameof(ManageOutbox);

    public static readonly IReadOnlyDictionary<string, string[]> RolesByPolicy = new Dictionary<string, string[]>
    {
        [SignedIn] = [.. Roles.All],
        [ViewClients] = [Roles.Manager, Roles.MarketingLead, Roles.Owner],
        [ManageUsers] = [Roles.Admin],
        [ManageJobs] = [Roles.Admin],
        [ManageConnections] = [Roles.Admin],
        [ViewAudit] = [Roles.Owner, Roles.Admin],
        [ManageSegments] = [Roles.MarketingLead],
        [ViewModels] = [Roles.Owner, Roles.MarketingLead],
        [ManageProgram] = [Roles.MarketingLead],
        [ViewAlerts] = [Roles.MarketingLead, Roles.Admin],
        [DecideProposals] = [Roles.Manager, Roles.MarketingLead],
        [ViewOutbox] = [Roles.Admin, Roles.MarketingLead, Roles.Owner],
        [ManageOutbox] = [Roles.Admin],
    };

    public static void Configure(AuthorizationOptions options)
    {
        foreach (var (policy, roles) in RolesByPolicy)
        {
            options.AddPolicy(policy, p => p.RequireAuthenticatedUser().RequireRole(roles));
        }
        options.FallbackPolicy = options.GetPolicy(SignedIn);
    }
}

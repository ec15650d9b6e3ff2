using LoyaltyConsole.Components.Account;
using LoyaltyConsole.Data;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;

namespace LoyaltyConsole.Identity;

public static class DependencyInjection
{
    /// <summary>
    /// The web app's sign-in: cookies, policies and the authentication state of components, on top of the users and
    /// roles of <see cref="AddIdentityStores"/> (which <c>AddConsoleStages</c> registers for the app and the verbs alike).
    /// </summary>
    public static IHostApplicationBuilder AddConsoleIdentity(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddCascadingAuthenticationState();
        services.AddScoped<IdentityRedirectManager>();
        services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();

        services.AddAuthentication(options =>
            {
                options.DefaultScheme = IdentityConstants.ApplicationScheme;
                options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
            })
            .AddIdentityCookies();
        services.ConfigureApplicationCookie(options =>
        {
            options.LoginPath = "/Account/Login";
            options.AccessDeniedPath = "/forbidden";
            options.Cookie.HttpOnly = true;
            options.Cookie.SameSite = SameSiteMode.Lax;
            options.ExpireTimeSpan = TimeSpan.FromHours(10);
            options.SlidingExpiration = true;
        });
        services.AddAuthorization(Policies.Configure);
        new IdentityBuilder(typeof(ApplicationUser), typeof(IdentityRole), services).AddSignInManager();
        return builder;
    }

    /// <summary>
    /// Users and roles in the database, their tokens and seeding: what the command-line verbs need too (create-admin,
    /// the demo users), without the web app's sign-in, whose services stand on routing and components.
    /// </summary>
    public static IHostApplicationBuilder AddIdentityStores(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddIdentityCore<ApplicationUser>(options =>
            {
                options.SignIn.RequireConfirmedAccount = false;
                options.User.RequireUniqueEmail = true;
                options.Password.RequiredLength = 10;
                options.Password.RequireDigit = true;
                options.Password.RequireLowercase = true;
                options.Password.RequireUppercase = true;
                options.Password.RequireNonAlphanumeric = false;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
            })
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<ApplicationDbContext>()
            .AddDefaultTokenProviders();

        // Sign-in cookies, antiforgery tokens and invite links are protected with keys kept in the database, so they
        // survive a restart and every app instance behind the load balancer accepts what another one issued.
        services.AddDataProtection()
            .SetApplicationName("LoyaltyConsole")
            .PersistKeysToDbContext<ApplicationDbContext>();

        services.AddSingleton<IEmailSender<ApplicationUser>, IdentityNoOpEmailSender>();
        services.AddOptions<BootstrapOptions>().BindConfiguration(BootstrapOptions.SectionName);
        services.AddSingleton<AccessScopeResolver>();
        services.AddScoped<IdentitySeeder>();
        return builder;
    }
}

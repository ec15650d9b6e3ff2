namespace LoyaltyConsole.Sync.Webhooks;

public static class WebhookRegistration
{
    public const string ShopifyPath = "/webhooks/shopify";
    public const string SquarePath = "/webhooks/square";
    public const string GenericPath = "/webhooks/generic";

    public static IHostApplicationBuilder AddWebhooks(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<WebhookOptions>().BindConfiguration(WebhookOptions.SectionName)
            .Validate(o => o.MaxBodyBytes > 0 && o.TimestampToleranceSeconds > 0 && o.ConnectionCacheSeconds >= 0, "Webhooks: MaxBodyBytes and TimestampToleranceSeconds must be positive.")
            .Validate(o => o.IntakeBatchSize > 0 && o.IntakeQueueCapacity > 0, "Webhooks: IntakeBatchSize and IntakeQueueCapacity must be positive.")
            .Validate(o => o.MaxAttempts > 0 && o.RetryAfterSeconds > 0 && o.ClaimSeconds > 0 && o.MaxRunSeconds > 0, "Webhooks: MaxAttempts, RetryAfterSeconds, ClaimSeconds and MaxRunSeconds must be positive.")
            .ValidateOnStart();
        builder.Services.AddSingleton<WebhookConnections>();
        builder.Services.AddSingleton<WebhookIntake>();
        builder.Services.AddSingleton<InboxWriter>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<InboxWriter>());
        builder.Services.AddSingleton<InboxProcessor>();
        builder.Services.AddInboxEventHandler<GenericInboxHandler>();
        return builder;
    }

    /// <summary>How a connector plugs in the handler that applies its format's deliveries (one per format).</summary>
    public static IServiceCollection AddInboxEventHandler<THandler>(this IServiceCollection services)
        where THandler : class, IInboxEventHandler =>
        services.AddSingleton<IInboxEventHandler, THandler>();

    /// <summary>
    /// The three endpoints: anonymous (the signature is the only credential; a session cookie is ignored), without
    /// antiforgery (senders are servers), each reading its raw body itself within <see cref="WebhookOptions.MaxBodyBytes"/>.
    /// </summary>
    public static WebApplication MapWebhooks(this WebApplication app)
    {
        var webhooks = app.MapGroup("").AllowAnonymous().DisableAntiforgery();
        webhooks.MapPost(ShopifyPath, (HttpContext http, WebhookIntake intake) => intake.ReceiveAsync(http, WebhookFormat.Shopify));
        webhooks.MapPost(SquarePath, (HttpContext http, WebhookIntake intake) => intake.ReceiveAsync(http, WebhookFormat.Square));
        webhooks.MapPost(GenericPath, (HttpContext http, WebhookIntake intake) => intake.ReceiveAsync(http, WebhookFormat.Generic));
        return app;
    }
}

using Quartz.Logging;

namespace LoyaltyConsole.Jobs;

/// <summary>
/// Quartz 3 logs through a process-wide static provider. Pointing it at this host's logger factory when the host
/// starts (this service is resolved before Quartz's own hosted service) keeps a second host in the same process —
/// integration tests, or the app restarted in-process — from logging into a disposed factory.
/// </summary>
internal sealed class QuartzLoggingBridge : IHostedService
{
    public QuartzLoggingBridge(ILoggerFactory loggerFactory) => LogContext.SetCurrentLogProvider(loggerFactory);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

using LoyaltyConsole.Domain.Auditing;
using Microsoft.Extensions.Options;

namespace LoyaltyConsole.Auditing;

public sealed class AuditOptions
{
    public const string SectionName = "Audit";

    /// <summary>
    /// The HMAC key the chain is signed with: base64 of at least 32 bytes (<c>openssl rand -base64 32</c>). Supply it
    /// from an environment variable (<c>Audit__ChainKey</c>) or a secret store, never from the database or the repo.
    /// Development generates one into <see cref="DevelopmentKeyFile"/> when none is set.
    /// </summary>
    public string? ChainKey { get; set; }

    /// <summary>Where the nightly verification writes the checkpoint (newest sequence and hash); outside the database.</summary>
    public string CheckpointPath { get; set; } = "App_Data/audit-checkpoint.json";

    /// <summary>Development only: the generated key's file, relative to the content root.</summary>
    public string DevelopmentKeyFile { get; set; } = "App_Data/audit-chain.key";
}

/// <summary>Resolves the chain key once: configuration first, then (Development only) a generated key file.</summary>
public sealed class AuditChainKeySource(IOptions<AuditOptions> options, IHostEnvironment environment, ILogger<AuditChainKeySource> logger)
{
    private readonly Lazy<AuditChainKey> _key = new(() => Resolve(options.Value, environment, logger));

    public AuditChainKey Key => _key.Value;

    private static AuditChainKey Resolve(AuditOptions options, IHostEnvironment environment, ILogger logger)
    {
        if (!string.IsNullOrWhiteSpace(options.ChainKey))
        {
            return AuditChainKey.Parse(options.ChainKey);
        }
        if (!environment.IsDevelopment())
        {
            throw new InvalidOperationException(
                "Audit:ChainKey is not set. The audit log is signed with a key kept outside the database: generate one with " +
                "`openssl rand -base64 32` and supply it as the environment variable Audit__ChainKey or from your secret store.");
        }
        var path = Path.GetFullPath(Path.Combine(environment.ContentRootPath, options.DevelopmentKeyFile));
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        try
        {
            using var created = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None);
            using var writer = new StreamWriter(created);
            writer.Write(AuditChainKey.Generate());
            logger.LogWarning("Audit:ChainKey is not set; Development generated one into {Path}. Production must supply its own.", path);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Already generated (perhaps by another process at this moment): use it.
        }
        return AuditChainKey.Parse(File.ReadAllText(path));
    }
}

using System.Security.Cryptography;
using System.Text;
using LoyaltyConsole.Domain.Common;

namespace LoyaltyConsole.Domain.Auditing;

/// <summary>
/// The secret the audit chain is signed with (HMAC-SHA-256). It lives outside the database (configuration or a secret
/// store), so someone who can only write to the database cannot rewrite, append or truncate the log and still pass
/// verification.
/// </summary>
public sealed class AuditChainKey
{
    public const int MinimumBytes = 32;

    private readonly byte[] _key;

    private AuditChainKey(byte[] key)
    {
        _key = key;
    }

    /// <summary>Reads a key given as base64 (at least 32 bytes once decoded) or as plain text of at least 32 bytes.</summary>
    public static AuditChainKey Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var text = value.Trim();
        var bytes = new byte[text.Length];
        var key = Convert.TryFromBase64String(text, bytes, out var written) && written >= MinimumBytes
            ? bytes[..written]
            : Encoding.UTF8.GetBytes(text);
        if (key.Length < MinimumBytes)
        {
            throw new DomainException($"The audit chain key must be at least {MinimumBytes} bytes (e.g. 44 characters of base64 from `openssl rand -base64 32`); the one given has {key.Length}.");
        }
        return new AuditChainKey(key);
    }

    /// <summary>A new random key, as base64, for a development machine or a first deployment.</summary>
    public static string Generate() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(MinimumBytes));

    internal string Sign(string canonical) => Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(canonical)));
}

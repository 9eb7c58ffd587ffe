using System.Security.Cryptography;
using System.Text;

namespace Clipper.Stages.Fetch.Webhooks;

/// <summary>
/// Standard Webhooks signatures: <c>v1,</c> and the base64 HMAC-SHA256 of "<c>{id}.{timestamp}.{body}</c>" keyed with
/// the secret's bytes (the base64 after <c>whsec_</c>); one signature per secret, space-separated, so a receiver
/// holding either the old or the new secret accepts the event while a secret is rotated.
/// </summary>
public static class WebhookSigner
{
    public const string Prefix = "whsec_";

    /// <summary>The value of the <c>webhook-signature</c> header.</summary>
    public static string Sign(string id, long timestamp, string body, IEnumerable<string> secrets)
    {
        var content = Encoding.UTF8.GetBytes($"{id}.{timestamp}.{body}");
        return string.Join(' ', secrets.Select(s => "v1," + Convert.ToBase64String(HMACSHA256.HashData(Key(s), content))));
    }

    /// <summary>True for <c>whsec_</c> followed by base64 of at least 16 bytes.</summary>
    public static bool IsSecret(string? secret)
    {
        if (secret is null || !secret.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var buffer = new byte[secret.Length];
        return Convert.TryFromBase64String(secret[Prefix.Length..], buffer, out int n) && n >= 16;
    }

    /// <summary>A new random secret of 32 bytes.</summary>
    public static string NewSecret() => Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    private static byte[] Key(string secret) =>
        IsSecret(secret) ? Convert.FromBase64String(secret[Prefix.Length..])
            : throw new ArgumentException("a webhook secret must be whsec_ followed by base64 (the secret is not shown)");
}

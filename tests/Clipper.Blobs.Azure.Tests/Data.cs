using System.Security.Cryptography;

namespace Clipper.Blobs.Azure.Tests;

internal static class Data
{
    public static byte[] Random(int length, int seed)
    {
        var data = new byte[length];
        new Random(seed).NextBytes(data);
        return data;
    }

    public static async Task<string> FileAsync(string dir, string name, int length, int seed)
    {
        var path = Path.Combine(dir, name);
        await File.WriteAllBytesAsync(path, Random(length, seed));
        return path;
    }

    public static string Hash(byte[] data) => Convert.ToHexString(SHA256.HashData(data));

    public static string HashFile(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream));
    }

    /// <summary>A unique key prefix, so tests sharing one Azurite do not see each other's blobs.</summary>
    public static string Prefix() => $"t-{Guid.NewGuid():N}/";
}

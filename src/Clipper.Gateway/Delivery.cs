using Clipper.Core.Storage;
using Clipper.Gateway.V1;
using Microsoft.Extensions.Options;

namespace Clipper.Gateway;

/// <summary>
/// How a cluster delivers: uploads go to blob storage (any silo may fetch them) and every artifact is handed out as
/// a read-only SAS URL valid for <paramref name="SasExpiry"/>. Without it (embedded) the web port serves the files.
/// </summary>
public sealed record ClusterDelivery(TimeSpan SasExpiry);

/// <summary>An artifact's blob name and the URL a client fetches it from.</summary>
public sealed class ArtifactLinks(IOptions<GatewayOptions> options, IBlobStore blobs, ClusterDelivery? delivery = null)
{
    public bool Signed => delivery is not null;

    public Artifact Link(string blob)
    {
        if (delivery is null)
        {
            return new Artifact { Blob = blob, Url = $"{options.Value.WebBase}/files/{string.Join('/', blob.Split('/').Select(Uri.EscapeDataString))}" };
        }

        return new Artifact
        {
            Blob = blob,
            Url = blobs.Url(blob, delivery.SasExpiry).ToString(),
            ExpiresAtUnixMs = (DateTimeOffset.UtcNow + delivery.SasExpiry).ToUnixTimeMilliseconds(),
        };
    }
}

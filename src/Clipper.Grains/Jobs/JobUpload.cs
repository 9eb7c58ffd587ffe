using Clipper.Core.Storage;
using Microsoft.Extensions.Logging;

namespace Clipper.Grains.Jobs;

/// <summary>
/// An upload ("blob:uploads/…", see <see cref="BlobLayout"/>) belongs to its job, which deletes it once the job's
/// source is stored (its state written first) or the job ended: the one owner of its clean-up, durable across
/// restarts, whichever gateway took the upload and whether it is still there.
/// </summary>
public static class JobUpload
{
    public static async Task ReleaseAsync(IBlobStore blobs, string jobId, string? input, ILogger log)
    {
        if (!BlobLayout.TryGetUpload(input, out var key))
        {
            return;
        }

        try
        {
            await blobs.DeleteAsync(key);
        }
        catch (Exception e)
        {
            log.LogWarning(e, "job {Job}: could not delete its upload {Input}", jobId, input);
        }
    }
}

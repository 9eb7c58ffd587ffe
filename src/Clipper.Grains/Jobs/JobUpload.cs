using Clipper.Core.Storage;
using Clipper.Stages.Fetch;
using Microsoft.Extensions.Logging;

namespace Clipper.Grains.Jobs;

/// <summary>
/// An upload shared through blob storage ("blob:uploads/…") belongs to its job, which deletes it once the job's
/// source is stored (its state written first) or the job ended: whichever gateway took the upload may be gone by then.
/// </summary>
public static class JobUpload
{
    public static async Task ReleaseAsync(IBlobStore blobs, string jobId, string? input, ILogger log)
    {
        if (input is null || !input.StartsWith(Fetcher.UploadPrefix + "uploads/", StringComparison.Ordinal))
        {
            return;
        }

        try
        {
            await blobs.DeleteAsync(input[Fetcher.UploadPrefix.Length..]);
        }
        catch (Exception e)
        {
            log.LogWarning(e, "job {Job}: could not delete its upload {Input}", jobId, input);
        }
    }
}

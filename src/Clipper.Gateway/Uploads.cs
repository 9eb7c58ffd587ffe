using Clipper.Abstractions.Jobs;
using Clipper.Core.Errors;
using Clipper.Core.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Clipper.Gateway;

/// <summary>
/// Uploaded sources on this server's disk, <c>{UploadDirectory}/{job}/{file}</c>, until the job has fetched them
/// into blob storage. An upload that fails, is abandoned or is too large leaves nothing behind.
/// </summary>
public sealed class Uploads(IOptions<GatewayOptions> options, IGrainFactory grains, ILogger<Uploads> log)
{
    /// <summary>Where uploads go; set by the host (under $CLIPPER_HOME).</summary>
    public string Directory { get; set; } = Path.Combine(Path.GetTempPath(), "clipper-uploads");

    /// <summary>In a cluster, the blob store uploads are shared through (any silo may fetch them); null embedded.</summary>
    public IBlobStore? Shared { get; set; }

    /// <summary>
    /// The job's input for a complete, checked upload: its local path embedded; in a cluster, "blob:uploads/JOB/FILE"
    /// after copying it to blob storage (the local copy is removed then).
    /// </summary>
    public async Task<string> ShareAsync(string jobId, Upload upload, CancellationToken cancel)
    {
        if (Shared is null)
        {
            return upload.Path;
        }

        var key = BlobLayout.Upload(jobId, System.IO.Path.GetFileName(upload.Path));
        await Shared.PutFileAsync(key, upload.Path, cancel);
        upload.SharedAs(Shared, key);
        return BlobLayout.Input(key);
    }

    public Upload Begin(string jobId, string fileName)
    {
        var name = SafeName(fileName);
        var dir = Path.Combine(Directory, jobId);
        System.IO.Directory.CreateDirectory(dir);
        return new Upload(dir, Path.Combine(dir, name), options.Value.MaxUploadBytes);
    }

    /// <summary>Removes the upload once the job no longer needs it (its source is in blob storage, or it ended).</summary>
    public void ReleaseWhenFetched(string jobId, Upload upload) => _ = Task.Run(async () =>
    {
        var job = grains.GetGrain<IVideoJobGrain>(jobId);
        for (int i = 0; i < 24 * 3600; i++)
        {
            try
            {
                var v = await job.Get();
                if (v is null || v.Source is not null || v.Status.IsTerminal())
                {
                    break;
                }
            }
            catch (Exception e)
            {
                log.LogDebug("upload of {Job}: {Message}", jobId, e.Message);
            }

            await Task.Delay(1000);
        }

        upload.Discard();
    });

    /// <summary>The file name without directories or odd characters; "upload.mp4" when nothing is left.</summary>
    public static string SafeName(string? fileName)
    {
        var name = Path.GetFileName((fileName ?? "").Replace('\\', '/'));
        name = new string(name.Select(c => char.IsLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_').ToArray()).TrimStart('.');
        if (name.Length > 120)
        {
            name = name[^120..];
        }

        return name.Length == 0 ? "upload.mp4" : name;
    }

    public sealed class Upload(string dir, string path, long limit)
    {
        private readonly FileStream _file = new(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);

        public string Path => path;

        public long Bytes { get; private set; }

        public async Task WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancel)
        {
            Bytes += data.Length;
            if (Bytes > limit)
            {
                throw new ClipperException(ErrorCode.SourceTooLarge, $"the upload is over the limit of {limit} bytes");
            }

            await _file.WriteAsync(data, cancel);
        }

        public async Task CompleteAsync(long declared, CancellationToken cancel)
        {
            await _file.FlushAsync(cancel);
            await _file.DisposeAsync();
            if (declared > 0 && declared != Bytes)
            {
                throw new ClipperException(ErrorCode.BadOption, $"the upload ended after {Bytes} of the {declared} bytes its header announced");
            }
        }

        private (IBlobStore Store, string Key)? _shared;

        internal void SharedAs(IBlobStore store, string key)
        {
            _shared = (store, key);
            DeleteLocal();
        }

        /// <summary>Removes the upload: the local file and, once shared, its blob.</summary>
        public void Discard()
        {
            if (_shared is { } s)
            {
                _ = s.Store.DeleteAsync(s.Key).ContinueWith(_ => { }, TaskScheduler.Default);
            }

            DeleteLocal();
        }

        private void DeleteLocal()
        {
            try
            {
                _file.Dispose();
                if (System.IO.Directory.Exists(dir))
                {
                    System.IO.Directory.Delete(dir, recursive: true);
                }
            }
            catch (IOException)
            {
                // gone already
            }
        }
    }
}

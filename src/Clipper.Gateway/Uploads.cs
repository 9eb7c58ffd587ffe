using Clipper.Core.Errors;
using Clipper.Core.Storage;
using Microsoft.Extensions.Options;

namespace Clipper.Gateway;

/// <summary>
/// Uploaded sources. Each goes to blob storage under its upload key (<see cref="BlobLayout.Upload"/>) and the job's
/// input names it ("blob:uploads/JOB/FILE"); from then on the job deletes it once its source is stored or it ended,
/// so the clean-up has one owner and survives restarts. While it arrives an upload is a file under a temporary name:
/// beside its blob when the store keeps blobs as local files (then renamed into place, never copied), else in this
/// server's upload directory (then uploaded and removed). An upload that fails, is abandoned or too large, or whose
/// job is not submitted, is removed at once.
/// </summary>
public sealed class Uploads(IOptions<GatewayOptions> options, IBlobStore blobs)
{
    /// <summary>Where uploads wait for a remote store; set by the host (under $CLIPPER_HOME).</summary>
    public string Directory { get; set; } = Path.Combine(Path.GetTempPath(), "clipper-uploads");

    public Upload Begin(string jobId, string fileName)
    {
        var name = SafeName(fileName);
        var key = BlobLayout.Upload(jobId, name);
        var dir = blobs.TryGetLocalPath(key, out var stored) ? Path.GetDirectoryName(stored)! : Path.Combine(Directory, jobId);
        System.IO.Directory.CreateDirectory(dir);
        return new Upload(blobs, key, dir, Path.Combine(dir, BlobKeys.TempName(name)), options.Value.MaxUploadBytes);
    }

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

    public sealed class Upload(IBlobStore blobs, string key, string dir, string path, long limit)
    {
        private readonly FileStream _file = new(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true);
        private bool _stored;

        /// <summary>The file being written (a temporary name until <see cref="StoreAsync"/>).</summary>
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

        /// <summary>Commits the complete, checked upload under its key; returns the job's input ("blob:uploads/JOB/FILE").</summary>
        public async Task<string> StoreAsync(CancellationToken cancel)
        {
            await blobs.MoveFileAsync(key, path, cancel);
            _stored = true;
            RemoveDirectoryIfEmpty();
            return BlobLayout.Input(key);
        }

        /// <summary>Removes the upload: its file and, once stored, its blob (the job is not there to do it).</summary>
        public void Discard()
        {
            try
            {
                _file.Dispose();
                File.Delete(path);
            }
            catch (IOException)
            {
                // gone already
            }

            if (_stored)
            {
                _ = blobs.DeleteAsync(key).ContinueWith(_ => { }, TaskScheduler.Default);
            }

            RemoveDirectoryIfEmpty();
        }

        private void RemoveDirectoryIfEmpty()
        {
            try
            {
                if (System.IO.Directory.Exists(dir) && !System.IO.Directory.EnumerateFileSystemEntries(dir).Any())
                {
                    System.IO.Directory.Delete(dir);
                }
            }
            catch (IOException)
            {
                // in use again, or gone already
            }
        }
    }
}

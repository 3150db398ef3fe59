namespace Marketplace.Core.Assets;

/// <summary>Scratch files for uploads and scans: random names, deleted when closed (even after a crash of the handle's owner).</summary>
public static class TempFiles
{
    public static FileStream Create(string? folder)
    {
        var dir = string.IsNullOrWhiteSpace(folder) ? Path.GetTempPath() : folder;
        Directory.CreateDirectory(dir);
        var path = Path.Combine(dir, "mkp-" + Guid.NewGuid().ToString("N") + ".tmp");
        return new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 81920,
            FileOptions.Asynchronous | FileOptions.DeleteOnClose);
    }

    /// <summary>Copies <paramref name="source"/> into a new scratch file, at most <paramref name="maxBytes"/>; null when longer.</summary>
    public static async Task<FileStream?> SpoolAsync(Stream source, long maxBytes, string? folder, CancellationToken ct)
    {
        var file = Create(folder);
        try
        {
            var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(81920);
            try
            {
                long total = 0;
                int read;
                while ((read = await source.ReadAsync(buffer, ct)) > 0)
                {
                    total += read;
                    if (total > maxBytes)
                    {
                        await file.DisposeAsync();
                        return null;
                    }
                    await file.WriteAsync(buffer.AsMemory(0, read), ct);
                }
            }
            finally
            {
                System.Buffers.ArrayPool<byte>.Shared.Return(buffer);
            }
            await file.FlushAsync(ct);
            file.Position = 0;
            return file;
        }
        catch
        {
            await file.DisposeAsync();
            throw;
        }
    }
}

using System.Buffers;
using System.Buffers.Binary;
using System.Formats.Tar;
using System.IO.Compression;

namespace Marketplace.Core.Assets;

/// <summary>
/// Walks an archive (zip, tar, tar.gz; an xlsx is a zip) without unpacking it to disk: checks that it can be read,
/// that every entry name and link stays inside the package folder, that it has at most
/// <see cref="ArchiveLimits.MaxEntries"/> entries and expands within its budget (counted on the bytes actually
/// inflated, not the sizes the archive claims), reads every file once through the EICAR matcher, and opens
/// nested archives up to <see cref="ArchiveLimits.MaxNestingDepth"/> levels (spooled to a scratch file). Entries
/// and the budget are shared by all levels. Stops at the first limit that is passed, or after 50 findings.
/// </summary>
public sealed class ArchiveInspector
{
    private const int MaxFindings = 50;
    private const int BufferSize = 81920;
    private const int MaxLinkTarget = 4096;

    private readonly ArchiveLimits _limits;
    private readonly long _budget;
    private readonly long _archiveBytes;
    private readonly List<ScanFinding> _findings = [];

    private ArchiveInspector(ArchiveLimits limits, long archiveBytes)
    {
        _limits = limits;
        _archiveBytes = archiveBytes;
        _budget = limits.ExpansionBudget(archiveBytes);
    }

    public long Entries { get; private set; }
    public long ExpandedBytes { get; private set; }

    /// <summary>Inspects <paramref name="content"/> (seekable for a zip) of the given format; returns what was found (empty: clean).</summary>
    public static async Task<IReadOnlyList<ScanFinding>> InspectAsync(Stream content, ArchiveFormat format, ArchiveLimits limits, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(content);
        ArgumentNullException.ThrowIfNull(limits);
        var inspector = new ArchiveInspector(limits, content.CanSeek ? content.Length : 0);
        try
        {
            await inspector.InspectAsync(content, format, "", 0, ct);
        }
        catch (StopException)
        {
            // a limit was passed: the findings say which
        }
        return inspector._findings;
    }

    private sealed class StopException : Exception;

    private void Add(ScanFinding finding)
    {
        _findings.Add(finding);
        if (_findings.Count >= MaxFindings) throw new StopException();
    }

    private void Stop(ScanFinding finding)
    {
        _findings.Add(finding);
        throw new StopException();
    }

    private async Task InspectAsync(Stream content, ArchiveFormat format, string prefix, int depth, CancellationToken ct)
    {
        if (format is ArchiveFormat.Zip or ArchiveFormat.Xlsx) await InspectZipAsync(content, prefix, depth, format, ct);
        else await InspectTarAsync(content, prefix, depth, format, ct);
    }

    private void CountEntry(string prefix)
    {
        if (++Entries > _limits.MaxEntries)
            Stop(new(ScanRules.TooManyEntries, $"The package has more than {_limits.MaxEntries} entries (nested archives included).", prefix.Length == 0 ? null : prefix));
    }

    private void CountExpanded(long bytes, string entry)
    {
        ExpandedBytes += bytes;
        if (ExpandedBytes <= _budget) return;
        if (_budget >= _limits.MaxExpandedBytes)
            Stop(new(ScanRules.ExpandedTooLarge, $"The package expands to more than {_limits.MaxExpandedBytes} bytes.", entry));
        Stop(new(ScanRules.ExpansionRatio,
            $"The package expands to more than {_budget} bytes from {_archiveBytes} (more than {_limits.MaxExpansionRatio:0.##} times its size): a possible decompression bomb.", entry));
    }

    private void Unreadable(string format, string prefix, Exception ex) =>
        Add(new(ScanRules.Unreadable, $"The {(prefix.Length == 0 ? "file" : "nested archive")} cannot be read as {format}: {ex.Message}", prefix.Length == 0 ? null : prefix.TrimEnd('!')));

    private async Task InspectZipAsync(Stream content, string prefix, int depth, ArchiveFormat format, CancellationToken ct)
    {
        var formatName = format == ArchiveFormat.Xlsx ? "an xlsx (zip) container" : "a zip archive";
        // The central directory's own count, before any entry object is made: a million-entry zip is refused cheaply.
        if (DeclaredZipEntries(content) is { } declared && Entries + declared > _limits.MaxEntries)
            Stop(new(ScanRules.TooManyEntries, $"The package has more than {_limits.MaxEntries} entries ({declared} in {(prefix.Length == 0 ? "the archive" : prefix.TrimEnd('!'))}).", prefix.Length == 0 ? null : prefix.TrimEnd('!')));

        ZipArchive zip;
        IReadOnlyCollection<ZipArchiveEntry> entries;
        try
        {
            content.Position = 0;
            zip = new ZipArchive(content, ZipArchiveMode.Read, leaveOpen: true);
            entries = zip.Entries;
        }
        catch (Exception ex) when (ex is InvalidDataException or IOException or ArgumentException or NotSupportedException)
        {
            Unreadable(formatName, prefix, ex);
            return;
        }

        using (zip)
        {
            if (entries.Count == 0 && depth == 0) Add(new(ScanRules.Empty, "The archive has no entries."));
            long claimed = 0;
            foreach (var e in entries)
            {
                CountEntry(prefix);
                if (ArchivePaths.CheckName(prefix + e.FullName, e.FullName) is { } bad) Add(bad);
                claimed += e.Length;
            }
            // The sizes the archive claims already exceed the budget: no need to inflate anything.
            if (claimed > _budget) CountExpanded(claimed, prefix.Length == 0 ? "" : prefix.TrimEnd('!'));

            foreach (var e in entries)
            {
                ct.ThrowIfCancellationRequested();
                var display = prefix + e.FullName;
                if (e.FullName.EndsWith('/') || e.FullName.EndsWith('\\')) continue; // a folder
                var unixType = (e.ExternalAttributes >> 16) & 0xF000;
                Stream data;
                try
                {
                    data = e.Open();
                }
                catch (Exception ex) when (ex is InvalidDataException or IOException or NotSupportedException)
                {
                    Add(new(ScanRules.Unreadable, $"Entry '{e.FullName}' cannot be read (encrypted or damaged): {ex.Message}", display));
                    continue;
                }
                await using (data)
                {
                    if (unixType == 0xA000) // a symbolic link made by a Unix zip tool: its content is the target
                    {
                        var target = await ReadTextAsync(data, MaxLinkTarget, display, ct);
                        if (ArchivePaths.CheckLinkTarget(display, e.FullName, target) is { } escape) Add(escape);
                        continue;
                    }
                    if (unixType is 0x2000 or 0x6000 or 0x1000)
                    {
                        Add(new(ScanRules.SpecialEntry, $"Entry '{e.FullName}' is a device or a FIFO, not a file.", display));
                        continue;
                    }
                    await ReadEntryAsync(data, e.FullName, display, depth, ct);
                }
            }
        }
    }

    private async Task InspectTarAsync(Stream content, string prefix, int depth, ArchiveFormat format, CancellationToken ct)
    {
        var formatName = format == ArchiveFormat.TarGz ? "a gzip-compressed tar archive" : "a tar archive";
        if (content.CanSeek) content.Position = 0;
        var source = format == ArchiveFormat.TarGz ? new GZipStream(content, CompressionMode.Decompress, leaveOpen: true) : content;
        try
        {
            await using var reader = new TarReader(source, leaveOpen: true);
            var seen = 0;
            while (true)
            {
                TarEntry? e;
                try
                {
                    e = await reader.GetNextEntryAsync(copyData: false, ct);
                }
                catch (Exception ex) when (ex is InvalidDataException or FormatException or EndOfStreamException or IOException or ArgumentException)
                {
                    Unreadable(formatName, prefix, ex);
                    return;
                }
                if (e is null) break;
                if (e.EntryType is TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes) continue;
                seen++;
                CountEntry(prefix);
                var display = prefix + e.Name;
                if (ArchivePaths.CheckName(display, e.Name) is { } bad) Add(bad);
                switch (e.EntryType)
                {
                    case TarEntryType.Directory:
                        break;
                    case TarEntryType.SymbolicLink:
                        if (ArchivePaths.CheckLinkTarget(display, e.Name, e.LinkName) is { } escape) Add(escape);
                        break;
                    case TarEntryType.HardLink:
                        // A hard link names another entry of the archive: the same rules as an entry name.
                        if (ArchivePaths.CheckName(display, e.LinkName) is { } target)
                            Add(target with { Rule = ScanRules.LinkEscape, Message = $"Hard link '{e.Name}' points outside the package folder ('{e.LinkName}')." });
                        break;
                    case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                        if (e.DataStream is { } data)
                        {
                            try
                            {
                                await ReadEntryAsync(data, e.Name, display, depth, ct);
                            }
                            catch (Exception ex) when (ex is InvalidDataException or EndOfStreamException or IOException)
                            {
                                Unreadable(formatName, prefix, ex);
                                return;
                            }
                        }
                        break;
                    case TarEntryType.CharacterDevice or TarEntryType.BlockDevice or TarEntryType.Fifo:
                        Add(new(ScanRules.SpecialEntry, $"Entry '{e.Name}' is a device or a FIFO, not a file.", display));
                        break;
                    default:
                        Add(new(ScanRules.SpecialEntry, $"Entry '{e.Name}' is of the unsupported tar type {e.EntryType}.", display));
                        break;
                }
            }
            if (seen == 0 && depth == 0) Add(new(ScanRules.Empty, "The archive has no entries."));
        }
        finally
        {
            if (!ReferenceEquals(source, content)) await source.DisposeAsync();
        }
    }

    /// <summary>Reads one file of the archive once: counts its inflated bytes, looks for EICAR, and spools a nested archive.</summary>
    private async Task ReadEntryAsync(Stream data, string name, string display, int depth, CancellationToken ct)
    {
        var matcher = new EicarMatcher();
        var nested = depth < _limits.MaxNestingDepth ? AssetFormats.ArchiveFormatOf(name) : null;
        var spool = nested is null ? null : TempFiles.Create(_limits.TempPath);
        var buffer = ArrayPool<byte>.Shared.Rent(BufferSize);
        try
        {
            int read;
            while ((read = await data.ReadAsync(buffer.AsMemory(0, BufferSize), ct)) > 0)
            {
                CountExpanded(read, display);
                matcher.Feed(buffer.AsSpan(0, read));
                if (spool is not null) await spool.WriteAsync(buffer.AsMemory(0, read), ct);
            }
            if (matcher.Found)
                Add(new(ScanRules.Eicar, $"The EICAR anti-virus test file was found in '{display}'.", display));
            if (spool is not null)
            {
                await spool.FlushAsync(ct);
                spool.Position = 0;
                await InspectAsync(spool, nested!.Value, display + "!", depth + 1, ct);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            if (spool is not null) await spool.DisposeAsync();
        }
    }

    private async Task<string> ReadTextAsync(Stream data, int max, string display, CancellationToken ct)
    {
        var buffer = new byte[max + 1];
        var total = 0;
        int read;
        while (total < buffer.Length && (read = await data.ReadAsync(buffer.AsMemory(total), ct)) > 0) total += read;
        CountExpanded(total, display);
        return System.Text.Encoding.UTF8.GetString(buffer, 0, Math.Min(total, max));
    }

    /// <summary>
    /// The entry count of a zip's end-of-central-directory record (zip64 included), or null when it cannot be found
    /// (the zip reader then reports the damage).
    /// </summary>
    internal static long? DeclaredZipEntries(Stream content)
    {
        if (!content.CanSeek || content.Length < 22) return null;
        var tail = (int)Math.Min(content.Length, 22 + 65535);
        var buffer = ArrayPool<byte>.Shared.Rent(tail);
        try
        {
            content.Position = content.Length - tail;
            content.ReadExactly(buffer, 0, tail);
            for (var i = tail - 22; i >= 0; i--)
            {
                if (BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(i)) != 0x06054b50) continue;
                long count = BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(i + 10));
                if (count != 0xFFFF) return count;
                // zip64: the locator sits 20 bytes before the record and points at the zip64 end record.
                if (i < 20 || BinaryPrimitives.ReadUInt32LittleEndian(buffer.AsSpan(i - 20)) != 0x07064b50) return count;
                var recordAt = (long)BinaryPrimitives.ReadUInt64LittleEndian(buffer.AsSpan(i - 20 + 8));
                if (recordAt < 0 || recordAt > content.Length - 56) return null;
                Span<byte> record = stackalloc byte[40];
                content.Position = recordAt;
                content.ReadExactly(record);
                if (BinaryPrimitives.ReadUInt32LittleEndian(record) != 0x06064b50) return null;
                return (long)Math.Min(BinaryPrimitives.ReadUInt64LittleEndian(record[32..]), long.MaxValue);
            }
            return null;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
            content.Position = 0;
        }
    }
}

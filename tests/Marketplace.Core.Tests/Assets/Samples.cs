using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Marketplace.Core.Tests.Assets;

internal static class Samples
{
    public static byte[] Eicar => Encoding.ASCII.GetBytes(@"X5O!P%@AP[4\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");

    public static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    public static MemoryStream Zip(params (string Name, byte[] Data)[] entries) => ZipWith(entries.Select(e => (e.Name, e.Data, (int?)null)).ToArray());

    /// <summary>A zip whose entries may carry Unix mode bits (e.g. 0xA1FF for a symbolic link).</summary>
    public static MemoryStream ZipWith(params (string Name, byte[] Data, int? UnixMode)[] entries)
    {
        var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data, mode) in entries)
            {
                var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
                if (mode is { } m) entry.ExternalAttributes = m << 16;
                using var s = entry.Open();
                s.Write(data);
            }
        }
        ms.Position = 0;
        return ms;
    }

    public static MemoryStream Tar(bool gzip, params TarEntry[] entries)
    {
        var ms = new MemoryStream();
        var target = gzip ? (Stream)new GZipStream(ms, CompressionLevel.Fastest, leaveOpen: true) : ms;
        using (var writer = new TarWriter(target, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var e in entries) writer.WriteEntry(e);
        }
        if (gzip) target.Dispose();
        ms.Position = 0;
        return ms;
    }

    public static TarEntry File(string name, byte[] data) => new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) };

    /// <summary>A workbook; sheets in order, each with rows of cells (null: no cell). Strings go to the shared-string table.</summary>
    public static MemoryStream Xlsx(SpreadsheetDocumentType type, params (string Name, string?[][] Rows)[] sheets)
    {
        var ms = new MemoryStream();
        using (var doc = SpreadsheetDocument.Create(ms, type))
        {
            var workbook = doc.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var strings = workbook.AddNewPart<SharedStringTablePart>();
            strings.SharedStringTable = new SharedStringTable();
            var list = new Sheets();
            uint id = 1;
            foreach (var (name, rows) in sheets)
            {
                var part = workbook.AddNewPart<WorksheetPart>();
                var data = new SheetData();
                for (var r = 0; r < rows.Length; r++)
                {
                    var row = new Row { RowIndex = (uint)(r + 1) };
                    for (var c = 0; c < rows[r].Length; c++)
                    {
                        if (rows[r][c] is not { } value) continue;
                        strings.SharedStringTable.AppendChild(new SharedStringItem(new DocumentFormat.OpenXml.Spreadsheet.Text(value)));
                        row.Append(new Cell
                        {
                            CellReference = $"{(char)('A' + c)}{r + 1}",
                            DataType = CellValues.SharedString,
                            CellValue = new CellValue((strings.SharedStringTable.ChildElements.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture)),
                        });
                    }
                    data.Append(row);
                }
                part.Worksheet = new Worksheet(data);
                list.Append(new Sheet { Id = workbook.GetIdOfPart(part), SheetId = id++, Name = name });
            }
            workbook.Workbook.AppendChild(list);
        }
        ms.Position = 0;
        return ms;
    }

    public static MemoryStream Xlsx(params (string Name, string?[][] Rows)[] sheets) => Xlsx(SpreadsheetDocumentType.Workbook, sheets);
}

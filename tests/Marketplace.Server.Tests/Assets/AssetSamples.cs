using System.Formats.Tar;
using System.IO.Compression;
using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Marketplace.Server.Tests.Assets;

/// <summary>Archives and workbooks made on the spot for the asset tests.</summary>
internal static class AssetSamples
{
    /// <summary>The EICAR anti-virus test string, built from two halves so no source file carries it whole.</summary>
    public static byte[] Eicar => Encoding.ASCII.GetBytes(@"X5O!P%@AP[4\PZX54(P^)7CC)7}$" + "EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*");

    public static byte[] Text(string s) => Encoding.UTF8.GetBytes(s);

    public static byte[] Zip(params (string Name, byte[] Data)[] entries) => Zip(CompressionLevel.Optimal, entries);

    public static byte[] Zip(CompressionLevel level, params (string Name, byte[] Data)[] entries)
    {
        using var ms = new MemoryStream();
        using (var zip = new ZipArchive(ms, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, data) in entries)
            {
                using var s = zip.CreateEntry(name, level).Open();
                s.Write(data);
            }
        }
        return ms.ToArray();
    }

    public static byte[] Tar(bool gzip, params TarEntry[] entries)
    {
        using var ms = new MemoryStream();
        using (Stream target = gzip ? new GZipStream(ms, CompressionLevel.Optimal, leaveOpen: true) : ms)
        using (var writer = new TarWriter(target, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var e in entries) writer.WriteEntry(e);
        }
        return ms.ToArray(); // a closed MemoryStream still gives its bytes
    }

    public static TarEntry File(string name, byte[] data) => new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(data) };

    public static TarEntry Folder(string name) => new PaxTarEntry(TarEntryType.Directory, name);

    public static TarEntry Link(string name, string target) => new PaxTarEntry(TarEntryType.SymbolicLink, name) { LinkName = target };

    /// <summary>A workbook whose first sheet holds <paramref name="rows"/> (null: no cell) as inline strings.</summary>
    public static byte[] Xlsx(string sheetName, params string?[][] rows)
    {
        using var ms = new MemoryStream();
        using (var doc = SpreadsheetDocument.Create(ms, SpreadsheetDocumentType.Workbook))
        {
            var workbook = doc.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var sheet = workbook.AddNewPart<WorksheetPart>();
            var data = new SheetData();
            for (var r = 0; r < rows.Length; r++)
            {
                var row = new Row { RowIndex = (uint)(r + 1) };
                for (var c = 0; c < rows[r].Length; c++)
                {
                    if (rows[r][c] is not { } value) continue;
                    row.Append(new Cell
                    {
                        CellReference = $"{(char)('A' + c)}{r + 1}",
                        DataType = CellValues.InlineString,
                        InlineString = new InlineString(new DocumentFormat.OpenXml.Spreadsheet.Text(value)),
                    });
                }
                data.Append(row);
            }
            sheet.Worksheet = new Worksheet(data);
            workbook.Workbook.AppendChild(new Sheets(new Sheet { Id = workbook.GetIdOfPart(sheet), SheetId = 1, Name = sheetName }));
        }
        return ms.ToArray();
    }

    /// <summary>A data-item workbook that passes every rule.</summary>
    public static byte[] GoodWorkbook() => Xlsx("数据项",
        ["字段名", "类型", "说明"],
        ["city", "string", "城市名称"],
        ["population", "int", "常住人口"]);
}

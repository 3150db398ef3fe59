using System.Text.RegularExpressions;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace Marketplace.Core.Assets;

/// <summary>
/// The data-item file (数据项文件) of a data-file asset, checked at once on upload (seed 002) after the extension and
/// size rules: it must be a zip container within the expansion limits, open as an .xlsx workbook (not a macro-enabled
/// workbook or a template), and its first worksheet must describe data items: a header row without gaps or
/// duplicates and at least one data row. Public rule (P61): no personal sensitive data, so cells that look like a
/// mainland identity-card number or mobile number are refused. Every error is collected; the caller joins them
/// with ";" (§9). Messages are in the language of the seed's own messages. Reads the sheets as a stream of rows.
/// </summary>
public static partial class DataFileRules
{
    public const string NotWorkbook = "文件无法作为.xlsx工作簿打开";
    public const string NotPlainWorkbook = "文件内容不是.xlsx工作簿(含宏的工作簿或模板不支持上传)";
    public const string NoSheet = "工作簿中没有工作表";
    public const string TooLargeExpanded = "工作簿解压后过大";
    public const int MaxSensitiveReported = 5;

    public static string EmptySheet(string sheet) => $"第一个工作表\"{sheet}\"为空,第1行应为表头";
    public static string EmptyHeader(string sheet, string cell) => $"工作表\"{sheet}\"的表头单元格{cell}为空";
    public static string DuplicateHeader(string sheet, string name) => $"工作表\"{sheet}\"的表头\"{name}\"重复";
    public static string NoDataRow(string sheet) => $"工作表\"{sheet}\"没有数据行";
    public static string IdNumber(string sheet, string cell) => $"单元格{sheet}!{cell}疑似包含身份证号码,不得上传个人敏感数据";
    public static string MobileNumber(string sheet, string cell) => $"单元格{sheet}!{cell}疑似包含手机号码,不得上传个人敏感数据";
    public static string MoreSensitive(int count) => $"另有{count}处疑似个人敏感数据";

    /// <summary>All problems of the workbook in <paramref name="xlsx"/> (seekable), in reading order; empty when it is acceptable.</summary>
    public static async Task<IReadOnlyList<string>> CheckAsync(Stream xlsx, ArchiveLimits limits, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(xlsx);
        ArgumentNullException.ThrowIfNull(limits);
        // The container first: an unreadable zip, a bomb or a zip-slip name never reaches the workbook reader.
        var container = await ArchiveInspector.InspectAsync(xlsx, ArchiveFormat.Xlsx, limits with { MaxNestingDepth = 0 }, ct);
        if (container.Any(f => f.Rule == ScanRules.Unreadable)) return [NotWorkbook];
        if (container.Any(f => f.Rule is ScanRules.ExpansionRatio or ScanRules.ExpandedTooLarge or ScanRules.TooManyEntries)) return [TooLargeExpanded];
        if (container.Any(f => f.Rule is ScanRules.AbsolutePath or ScanRules.PathTraversal or ScanRules.InvalidName)) return [NotWorkbook];
        xlsx.Position = 0;
        return Check(xlsx);
    }

    private static List<string> Check(Stream xlsx)
    {
        SpreadsheetDocument doc;
        try
        {
            doc = SpreadsheetDocument.Open(xlsx, false);
        }
        catch (Exception ex) when (ex is OpenXmlPackageException or InvalidDataException or IOException or System.Xml.XmlException or FileFormatException or ArgumentException or InvalidOperationException)
        {
            return [NotWorkbook];
        }

        using (doc)
        {
            if (doc.DocumentType != SpreadsheetDocumentType.Workbook || doc.WorkbookPart?.VbaProjectPart is not null) return [NotPlainWorkbook];
            // A zip that is an Open XML package but holds no workbook is not a workbook either.
            if (doc.WorkbookPart is not { Workbook: not null } workbookPart) return [NotWorkbook];
            var sheets = workbookPart.Workbook.Sheets?.Elements<Sheet>().ToList() ?? [];
            if (sheets.Count == 0) return [NoSheet];
            try
            {
                return CheckSheets(workbookPart, sheets);
            }
            catch (Exception ex) when (ex is OpenXmlPackageException or InvalidDataException or IOException or System.Xml.XmlException or InvalidOperationException or FormatException)
            {
                return [NotWorkbook];
            }
        }
    }

    private static List<string> CheckSheets(WorkbookPart workbookPart, List<Sheet> sheets)
    {
        var errors = new List<string>();
        var sharedStrings = ReadSharedStrings(workbookPart);
        var sensitive = new List<string>();
        var sensitiveCount = 0;
        for (var index = 0; index < sheets.Count; index++)
        {
            var sheet = sheets[index];
            var name = sheet.Name?.Value ?? $"Sheet{index + 1}";
            if (sheet.Id?.Value is not { } rel || workbookPart.GetPartById(rel) is not WorksheetPart part)
            {
                if (index == 0) errors.Add(EmptySheet(name));
                continue;
            }
            List<(string Ref, string Text)>? header = null;
            var dataRows = 0;
            using var reader = OpenXmlReader.Create(part);
            var rowNumber = 0;
            while (reader.Read())
            {
                if (reader.ElementType != typeof(Row) || !reader.IsStartElement) continue;
                var row = (Row)reader.LoadCurrentElement()!;
                rowNumber = row.RowIndex?.Value is { } r ? (int)r : rowNumber + 1;
                var cells = Cells(row, rowNumber, sharedStrings);
                foreach (var (cellRef, text) in cells)
                {
                    var kind = SensitiveKind(text);
                    if (kind is null) continue;
                    sensitiveCount++;
                    if (sensitive.Count < MaxSensitiveReported) sensitive.Add(kind == "id" ? IdNumber(name, cellRef) : MobileNumber(name, cellRef));
                }
                if (index != 0) continue;
                if (header is null)
                {
                    if (cells.Count > 0) header = rowNumber == 1 ? cells : [];
                }
                else if (cells.Any(c => c.Text.Length > 0))
                {
                    dataRows++;
                }
            }

            if (index != 0) continue;
            // The first worksheet holds the data items: a header in row 1, then data rows.
            if (header is null || header.All(c => c.Text.Length == 0))
            {
                errors.Add(EmptySheet(name));
                continue;
            }
            var last = header.FindLastIndex(c => c.Text.Length > 0);
            var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (cellRef, text) in header.Take(last + 1))
            {
                if (text.Length == 0) errors.Add(EmptyHeader(name, cellRef));
                else if (!seen.Add(text)) errors.Add(DuplicateHeader(name, text));
            }
            if (dataRows == 0) errors.Add(NoDataRow(name));
        }
        errors.AddRange(sensitive);
        if (sensitiveCount > sensitive.Count) errors.Add(MoreSensitive(sensitiveCount - sensitive.Count));
        return errors;
    }

    /// <summary>The row's cells from column A on, gaps filled with empty text, as (reference, trimmed text).</summary>
    private static List<(string Ref, string Text)> Cells(Row row, int rowNumber, List<string> sharedStrings)
    {
        var cells = new List<(string, string)>();
        foreach (var cell in row.Elements<Cell>())
        {
            var column = cell.CellReference?.Value is { } reference ? ColumnIndex(reference) : cells.Count;
            while (cells.Count < column) cells.Add(($"{ColumnName(cells.Count)}{rowNumber}", ""));
            cells.Add(($"{ColumnName(cells.Count)}{rowNumber}", TextOf(cell, sharedStrings).Trim()));
        }
        return cells;
    }

    private static string TextOf(Cell cell, List<string> sharedStrings)
    {
        var type = cell.DataType?.Value;
        if (type == CellValues.SharedString)
            return int.TryParse(cell.CellValue?.Text, out var i) && i >= 0 && i < sharedStrings.Count ? sharedStrings[i] : "";
        if (type == CellValues.InlineString) return cell.InlineString?.InnerText ?? "";
        return cell.CellValue?.Text ?? "";
    }

    private static List<string> ReadSharedStrings(WorkbookPart workbookPart)
    {
        var list = new List<string>();
        if (workbookPart.SharedStringTablePart is not { } part) return list;
        using var reader = OpenXmlReader.Create(part);
        while (reader.Read())
        {
            if (reader.ElementType == typeof(SharedStringItem) && reader.IsStartElement)
                list.Add(reader.LoadCurrentElement()!.InnerText);
        }
        return list;
    }

    private static int ColumnIndex(string reference)
    {
        var index = 0;
        foreach (var c in reference)
        {
            if (!char.IsAsciiLetter(c)) break;
            index = (index * 26) + (char.ToUpperInvariant(c) - 'A' + 1);
        }
        return Math.Max(0, index - 1);
    }

    private static string ColumnName(int index)
    {
        var name = "";
        for (var n = index + 1; n > 0; n = (n - 1) / 26) name = (char)('A' + ((n - 1) % 26)) + name;
        return name;
    }

    /// <summary>"id" for a mainland identity-card number (GB 11643 check digit), "mobile" for a mainland mobile number, else null.</summary>
    public static string? SensitiveKind(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length < 11) return null;
        foreach (Match m in IdCandidate().Matches(text))
            if (IsIdNumber(m.Value)) return "id";
        return MobileCandidate().IsMatch(text) ? "mobile" : null;
    }

    /// <summary>GB 11643-1999: 17 digits with a plausible birth date, and the ISO 7064 MOD 11-2 check character.</summary>
    public static bool IsIdNumber(string candidate)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        if (candidate.Length != 18) return false;
        int[] weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
        var sum = 0;
        for (var i = 0; i < 17; i++)
        {
            if (!char.IsAsciiDigit(candidate[i])) return false;
            sum += (candidate[i] - '0') * weights[i];
        }
        if (!DateTime.TryParseExact(candidate.AsSpan(6, 8), "yyyyMMdd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var born)
            || born.Year < 1900) return false;
        return char.ToUpperInvariant(candidate[17]) == "10X98765432"[sum % 11];
    }

    [GeneratedRegex(@"(?<![0-9])[0-9]{17}[0-9Xx](?![0-9])")]
    private static partial Regex IdCandidate();

    // 11 digits starting 13-19, optionally after +86, with optional spaces or dashes between digit groups (139-0000-1111).
    [GeneratedRegex(@"(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9](?:[- ]?[0-9]){8}(?![0-9])")]
    private static partial Regex MobileCandidate();
}

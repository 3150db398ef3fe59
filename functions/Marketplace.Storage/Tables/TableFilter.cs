using System.Globalization;
using System.Text;

namespace Marketplace.Storage.Tables;

/// <summary>
/// Builds OData filter expressions safely: <see cref="Quote"/> makes a string literal (single quotes doubled) and
/// <see cref="Create"/> formats each interpolated value as a typed literal.
/// </summary>
/// <example><c>TableFilter.Create($"PartitionKey eq {pk} and Amount gt {100L}")</c> →
/// <c>PartitionKey eq 'o''brien' and Amount gt 100L</c></example>
public static class TableFilter
{
    /// <summary>An OData string literal: <c>'it''s'</c>.</summary>
    public static string Quote(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
    }

    /// <summary>Formats <paramref name="filter"/> with every argument turned into an OData literal.</summary>
    public static string Create(FormattableString filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var args = filter.GetArguments();
        var literals = new object?[args.Length];
        for (var i = 0; i < args.Length; i++) literals[i] = Literal(args[i]);
        return string.Format(CultureInfo.InvariantCulture, filter.Format, literals);
    }

    /// <summary><c>{property} eq {literal}</c>.</summary>
    public static string Equal(string property, object value) => property + " eq " + Literal(value);

    /// <summary>Joins non-empty clauses with <c>and</c>, parenthesising each.</summary>
    public static string And(params string?[] clauses) => Join(" and ", clauses);

    /// <summary>Joins non-empty clauses with <c>or</c>, parenthesising each.</summary>
    public static string Or(params string?[] clauses) => Join(" or ", clauses);

    /// <summary>Rows whose <paramref name="property"/> starts with <paramref name="prefix"/> (a range scan).</summary>
    public static string StartsWith(string property, string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        var upper = prefix[..^1] + (char)(prefix[^1] + 1);
        return $"{property} ge {Quote(prefix)} and {property} lt {Quote(upper)}";
    }

    /// <summary>The OData literal for a value (string, int, long, double, bool, DateTimeOffset, DateTime, Guid, byte[]).</summary>
    public static string Literal(object? value) => value switch
    {
        null => "null",
        string s => Quote(s),
        bool b => b ? "true" : "false",
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture) + "L",
        double d => d.ToString("R", CultureInfo.InvariantCulture) is var text && (text.Contains('.') || text.Contains('E')) ? text : text + ".0",
        DateTimeOffset dto => "datetime'" + dto.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture) + "'",
        DateTime dt => Literal(new DateTimeOffset(dt.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(dt, DateTimeKind.Utc) : dt.ToUniversalTime())),
        Guid g => "guid'" + g.ToString("D") + "'",
        byte[] bytes => "X'" + Convert.ToHexStringLower(bytes) + "'",
        _ => throw new ArgumentException($"No OData literal for {value.GetType().Name}.", nameof(value)),
    };

    private static string Join(string separator, string?[] clauses)
    {
        var builder = new StringBuilder();
        foreach (var clause in clauses)
        {
            if (string.IsNullOrWhiteSpace(clause)) continue;
            if (builder.Length > 0) builder.Append(separator);
            builder.Append('(').Append(clause).Append(')');
        }

        return builder.ToString();
    }
}

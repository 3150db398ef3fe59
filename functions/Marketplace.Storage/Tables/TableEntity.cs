using System.Collections;

namespace Marketplace.Storage.Tables;

/// <summary>
/// A table entity: a case-sensitive property bag plus the system properties. Property values are
/// <see cref="string"/>, <see cref="int"/>, <see cref="long"/>, <see cref="double"/>, <see cref="bool"/>,
/// <see cref="DateTimeOffset"/> (stored as UTC; a <see cref="DateTime"/> is converted), <see cref="Guid"/> or
/// <c>byte[]</c>. Setting a property to <c>null</c> removes it.
/// </summary>
public sealed class TableEntity : IEnumerable<KeyValuePair<string, object>>
{
    private readonly Dictionary<string, object> _properties;

    public TableEntity()
        : this(string.Empty, string.Empty)
    {
    }

    public TableEntity(string partitionKey, string rowKey, int capacity = 8)
    {
        PartitionKey = partitionKey ?? throw new ArgumentNullException(nameof(partitionKey));
        RowKey = rowKey ?? throw new ArgumentNullException(nameof(rowKey));
        _properties = new Dictionary<string, object>(capacity, StringComparer.Ordinal);
    }

    public string PartitionKey { get; set; }

    public string RowKey { get; set; }

    /// <summary>The raw ETag as the service sent it (e.g. <c>W/"datetime'2024-...'"</c>); echo it unchanged in If-Match.</summary>
    public string? ETag { get; set; }

    /// <summary>The service-maintained last-modified time; ignored on writes.</summary>
    public DateTimeOffset? Timestamp { get; set; }

    /// <summary>Number of custom properties (system properties excluded).</summary>
    public int Count => _properties.Count;

    /// <summary>Names of the custom properties.</summary>
    public IEnumerable<string> Keys => _properties.Keys;

    /// <summary>
    /// Gets or sets a property. <c>PartitionKey</c>, <c>RowKey</c> and <c>Timestamp</c> map to the system properties.
    /// Getting a missing property returns <c>null</c>; setting <c>null</c> removes it.
    /// </summary>
    public object? this[string name]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(name);
            return name switch
            {
                "PartitionKey" => PartitionKey,
                "RowKey" => RowKey,
                "Timestamp" => Timestamp,
                _ => _properties.TryGetValue(name, out var value) ? value : null,
            };
        }
        set
        {
            ArgumentNullException.ThrowIfNull(name);
            switch (name)
            {
                case "PartitionKey":
                    PartitionKey = value as string ?? throw new ArgumentException("PartitionKey must be a non-null string.", nameof(value));
                    return;
                case "RowKey":
                    RowKey = value as string ?? throw new ArgumentException("RowKey must be a non-null string.", nameof(value));
                    return;
                case "Timestamp":
                    Timestamp = value is null ? null : (DateTimeOffset)Normalize(name, value);
                    return;
            }

            if (value is null)
            {
                _properties.Remove(name);
            }
            else
            {
                _properties[name] = Normalize(name, value);
            }
        }
    }

    public bool ContainsKey(string name) => _properties.ContainsKey(name);

    public bool Remove(string name) => _properties.Remove(name);

    public string? GetString(string name) => Get(name) switch
    {
        null => null,
        string s => s,
        var other => throw Mismatch(name, other, "string"),
    };

    public int? GetInt32(string name) => Get(name) switch
    {
        null => null,
        int i => i,
        long l when l is >= int.MinValue and <= int.MaxValue => (int)l,
        var other => throw Mismatch(name, other, "Int32"),
    };

    public long? GetInt64(string name) => Get(name) switch
    {
        null => null,
        long l => l,
        int i => i,
        var other => throw Mismatch(name, other, "Int64"),
    };

    public double? GetDouble(string name) => Get(name) switch
    {
        null => null,
        double d => d,
        int i => i,
        long l => l,
        var other => throw Mismatch(name, other, "Double"),
    };

    public bool? GetBoolean(string name) => Get(name) switch
    {
        null => null,
        bool b => b,
        var other => throw Mismatch(name, other, "Boolean"),
    };

    public DateTimeOffset? GetDateTimeOffset(string name) => Get(name) switch
    {
        null => null,
        DateTimeOffset d => d,
        var other => throw Mismatch(name, other, "DateTimeOffset"),
    };

    public Guid? GetGuid(string name) => Get(name) switch
    {
        null => null,
        Guid g => g,
        string s when Guid.TryParse(s, out var g) => g,
        var other => throw Mismatch(name, other, "Guid"),
    };

    public byte[]? GetBinary(string name) => Get(name) switch
    {
        null => null,
        byte[] b => b,
        var other => throw Mismatch(name, other, "Binary"),
    };

    public IEnumerator<KeyValuePair<string, object>> GetEnumerator() => _properties.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>The custom properties, for the serializer (no copy, no boxing of the enumerator).</summary>
    internal Dictionary<string, object> Properties => _properties;

    /// <summary>Adds a property read from the service without re-validating it.</summary>
    internal void SetRaw(string name, object value) => _properties[name] = value;

    private object? Get(string name) => this[name];

    private static object Normalize(string name, object value) => value switch
    {
        string or int or long or double or bool or Guid or byte[] => value,
        DateTimeOffset d => d.ToUniversalTime(),
        DateTime d => new DateTimeOffset(d.Kind == DateTimeKind.Unspecified ? DateTime.SpecifyKind(d, DateTimeKind.Utc) : d.ToUniversalTime()),
        float f => (double)f,
        short or byte or sbyte or ushort => Convert.ToInt32(value, System.Globalization.CultureInfo.InvariantCulture),
        uint u => (long)u,
        ReadOnlyMemory<byte> m => m.ToArray(),
        _ => throw new ArgumentException(
            $"Property '{name}' has unsupported type {value.GetType().Name}; use string, int, long, double, bool, DateTimeOffset, Guid or byte[].",
            nameof(value)),
    };

    private static InvalidCastException Mismatch(string name, object value, string wanted) =>
        new($"Property '{name}' holds a {value.GetType().Name}, not a {wanted}.");

    public override string ToString() => $"TableEntity(PartitionKey={PartitionKey}, RowKey={RowKey}, {Count} properties)";
}

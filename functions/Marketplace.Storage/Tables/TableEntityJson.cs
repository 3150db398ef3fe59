using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Marketplace.Storage.Tables;

/// <summary>
/// Table JSON (OData v3) for entities, written and read with <see cref="Utf8JsonWriter"/>/<see cref="Utf8JsonReader"/>:
/// no reflection. Int64, DateTime, Guid, Binary and Double carry an <c>@odata.type</c> annotation.
/// </summary>
internal static class TableEntityJson
{
    private const string AnnotationSuffix = "@odata.type";

    internal static readonly JsonWriterOptions WriterOptions = new()
    {
        // Bodies go to the Table service, never into HTML; control characters, U+2028/9 and quotes stay escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    private static readonly JsonEncodedText PartitionKeyName = JsonEncodedText.Encode("PartitionKey");
    private static readonly JsonEncodedText RowKeyName = JsonEncodedText.Encode("RowKey");
    private static readonly JsonEncodedText EdmInt64 = JsonEncodedText.Encode("Edm.Int64");
    private static readonly JsonEncodedText EdmDouble = JsonEncodedText.Encode("Edm.Double");
    private static readonly JsonEncodedText EdmDateTime = JsonEncodedText.Encode("Edm.DateTime");
    private static readonly JsonEncodedText EdmGuid = JsonEncodedText.Encode("Edm.Guid");
    private static readonly JsonEncodedText EdmBinary = JsonEncodedText.Encode("Edm.Binary");

    internal static void Write(Utf8JsonWriter writer, TableEntity entity)
    {
        writer.WriteStartObject();
        writer.WriteString(PartitionKeyName, entity.PartitionKey);
        writer.WriteString(RowKeyName, entity.RowKey);
        Span<char> scratch = stackalloc char[32];
        foreach (var (name, value) in entity.Properties)
        {
            switch (value)
            {
                case string s:
                    writer.WriteString(name, s);
                    break;
                case int i:
                    writer.WriteNumber(name, i);
                    break;
                case long l:
                    WriteAnnotation(writer, name, EdmInt64);
                    l.TryFormat(scratch, out var written, default, CultureInfo.InvariantCulture);
                    writer.WriteString(name, scratch[..written]);
                    break;
                case double d:
                    WriteAnnotation(writer, name, EdmDouble);
                    if (double.IsFinite(d)) writer.WriteNumber(name, d);
                    else writer.WriteString(name, double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
                    break;
                case bool b:
                    writer.WriteBoolean(name, b);
                    break;
                case DateTimeOffset dto:
                    WriteAnnotation(writer, name, EdmDateTime);
                    dto.UtcDateTime.TryFormat(scratch, out var dateLength, "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture);
                    writer.WriteString(name, scratch[..dateLength]);
                    break;
                case Guid g:
                    WriteAnnotation(writer, name, EdmGuid);
                    writer.WriteString(name, g);
                    break;
                case byte[] bytes:
                    WriteAnnotation(writer, name, EdmBinary);
                    writer.WriteBase64String(name, bytes);
                    break;
                default:
                    throw new InvalidOperationException($"Property '{name}' has unsupported type {value.GetType().Name}.");
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteAnnotation(Utf8JsonWriter writer, string name, JsonEncodedText type)
    {
        var length = name.Length + AnnotationSuffix.Length;
        Span<char> buffer = length <= 256 ? stackalloc char[length] : new char[length];
        name.CopyTo(buffer);
        AnnotationSuffix.CopyTo(buffer[name.Length..]);
        writer.WriteString(buffer, type);
    }

    /// <summary>Reads one entity object (the reader is on its StartObject token).</summary>
    internal static TableEntity ReadEntity(ref Utf8JsonReader reader)
    {
        if (reader.TokenType != JsonTokenType.StartObject) throw new JsonException("Expected an entity object.");
        var entity = new TableEntity();
        Dictionary<string, string>? types = null;
        List<(string Name, string Type)>? lateTypes = null;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var name = reader.GetString()!;
            reader.Read();
            if (name.StartsWith("odata.", StringComparison.Ordinal))
            {
                if (name == "odata.etag" && reader.TokenType == JsonTokenType.String) entity.ETag = reader.GetString();
                else reader.Skip();
                continue;
            }

            if (name.EndsWith(AnnotationSuffix, StringComparison.Ordinal))
            {
                var property = name[..^AnnotationSuffix.Length];
                var type = reader.GetString() ?? string.Empty;
                if (entity.ContainsKey(property)) (lateTypes ??= new()).Add((property, type));
                else (types ??= new(StringComparer.Ordinal))[property] = type;
                continue;
            }

            switch (name)
            {
                case "PartitionKey":
                    entity.PartitionKey = reader.GetString() ?? string.Empty;
                    continue;
                case "RowKey":
                    entity.RowKey = reader.GetString() ?? string.Empty;
                    continue;
                case "Timestamp":
                    entity.Timestamp = reader.TokenType == JsonTokenType.String ? ParseDate(reader.GetString()!) : null;
                    continue;
            }

            string? edmType = null;
            types?.TryGetValue(name, out edmType);
            object? value = reader.TokenType switch
            {
                JsonTokenType.String => edmType is null ? reader.GetString() : Convert(reader.GetString()!, edmType, name),
                JsonTokenType.Number => ReadNumber(ref reader, edmType),
                JsonTokenType.True => true,
                JsonTokenType.False => false,
                JsonTokenType.Null => null,
                _ => throw new JsonException($"Property '{name}' has an unexpected JSON {reader.TokenType}."),
            };
            if (value is not null) entity.SetRaw(name, value);
        }

        if (lateTypes is not null)
        {
            foreach (var (property, type) in lateTypes)
            {
                var raw = entity[property];
                object converted = raw switch
                {
                    string s => Convert(s, type, property),
                    int i when type == "Edm.Double" => (double)i,
                    long l when type == "Edm.Double" => (double)l,
                    int i when type == "Edm.Int64" => (long)i,
                    _ => raw!,
                };
                entity.SetRaw(property, converted);
            }
        }

        return entity;
    }

    private static object ReadNumber(ref Utf8JsonReader reader, string? edmType)
    {
        switch (edmType)
        {
            case "Edm.Double":
                return reader.GetDouble();
            case "Edm.Int64":
                return reader.GetInt64();
            case "Edm.Int32":
                return reader.GetInt32();
        }

        ReadOnlySpan<byte> raw = reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan;
        if (raw.IndexOfAny((byte)'.', (byte)'e', (byte)'E') >= 0) return reader.GetDouble();
        if (reader.TryGetInt32(out var i)) return i;
        if (reader.TryGetInt64(out var l)) return l;
        return reader.GetDouble();
    }

    private static object Convert(string text, string edmType, string name)
    {
        try
        {
            return edmType switch
            {
                "Edm.Int64" => long.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture),
                "Edm.Int32" => int.Parse(text, NumberStyles.Integer, CultureInfo.InvariantCulture),
                "Edm.Double" => text switch
                {
                    "NaN" => double.NaN,
                    "Infinity" or "INF" => double.PositiveInfinity,
                    "-Infinity" or "-INF" => double.NegativeInfinity,
                    _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
                },
                "Edm.DateTime" => ParseDate(text),
                "Edm.Guid" => Guid.Parse(text),
                "Edm.Binary" => System.Convert.FromBase64String(text),
                "Edm.Boolean" => bool.Parse(text),
                _ => text,
            };
        }
        catch (FormatException e)
        {
            throw new JsonException($"Property '{name}' value is not a valid {edmType}.", e);
        }
    }

    private static DateTimeOffset ParseDate(string text) =>
        DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);

    /// <summary>Reads a query response (<c>{"value":[...]}</c>) into entities.</summary>
    internal static List<TableEntity> ReadQueryResponse(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        var result = new List<TableEntity>();
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject) throw new JsonException("Expected a JSON object.");
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            var isValue = reader.ValueTextEquals("value"u8);
            reader.Read();
            if (!isValue)
            {
                reader.Skip();
                continue;
            }

            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                result.Add(ReadEntity(ref reader));
            }
        }

        return result;
    }

    /// <summary>Reads a single-entity response.</summary>
    internal static TableEntity ReadSingle(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json);
        reader.Read();
        return ReadEntity(ref reader);
    }

    internal static string EntityToString(TableEntity entity)
    {
        using var buffer = new PooledBufferWriter();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions)) Write(writer, entity);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

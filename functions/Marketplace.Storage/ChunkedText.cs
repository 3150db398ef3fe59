using Marketplace.Storage.Tables;

namespace Marketplace.Storage;

/// <summary>
/// Long text in a table entity: a string property holds at most 64 KiB (32K UTF-16 chars), so longer values are cut
/// into numbered properties (<c>Name0</c>, <c>Name1</c>, ...) with the count in <c>NameN</c>.
/// </summary>
internal static class ChunkedText
{
    private const int ChunkChars = 30_000;

    public static void Write(TableEntity entity, string name, string? value)
    {
        if (value is null) return;
        var chunks = (value.Length + ChunkChars - 1) / ChunkChars;
        entity[name + "N"] = chunks;
        for (var i = 0; i < chunks; i++)
            entity[name + i] = value.Substring(i * ChunkChars, Math.Min(ChunkChars, value.Length - i * ChunkChars));
    }

    public static string? Read(TableEntity entity, string name)
    {
        if (entity[name + "N"] is not int chunks) return null;
        if (chunks == 1) return entity.GetString(name + "0");
        var parts = new string?[chunks];
        for (var i = 0; i < chunks; i++) parts[i] = entity.GetString(name + i);
        return string.Concat(parts);
    }
}

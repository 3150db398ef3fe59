namespace Marketplace.Storage.Tables;

/// <summary>
/// What a PartitionKey or RowKey may hold: at most 1 KiB (512 UTF-16 characters here, to stay clear of the limit),
/// none of '/', '\', '#', '?' and no control characters. The service answers 400 to a request naming any other key,
/// so a lookup by an id that came from outside (a URL, a body) asks <see cref="CanExist"/> first: a key that cannot
/// be stored cannot be found either.
/// </summary>
public static class TableKeys
{
    public const int MaxLength = 512;

    public static bool CanExist(string? key) =>
        !string.IsNullOrEmpty(key) && key.Length <= MaxLength
        && key.AsSpan().IndexOfAny("/\\#?") < 0
        && !key.Any(char.IsControl);
}

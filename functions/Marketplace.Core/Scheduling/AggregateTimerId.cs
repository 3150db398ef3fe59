using System.Security.Cryptography;
using System.Text;

namespace Marketplace.Core.Scheduling;

/// <summary>
/// The name of an aggregate's timer in a host that keeps one durable timer per aggregate (the Function App: a
/// Durable orchestration instance id): <c>{kind}:{id}</c>, readable in the Durable monitor. Characters that instance
/// ids may not hold (<c>/ \ # ?</c>, control characters) and <c>%</c> are percent-encoded; an id longer than
/// <see cref="MaxLength"/> keeps a readable head and ends with a hash of the whole, so it stays unique and stable.
/// </summary>
public static class AggregateTimerId
{
    public const int MaxLength = 100;

    public static string For(string kind, string id)
    {
        var raw = $"{kind}:{id}";
        var sb = new StringBuilder(raw.Length);
        foreach (var c in raw)
        {
            if (c is '/' or '\\' or '#' or '?' or '%' || char.IsControl(c)) sb.Append('%').Append(((int)c).ToString("X2"));
            else sb.Append(c);
        }

        if (sb.Length <= MaxLength) return sb.ToString();
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(raw)))[..32];
        var headLength = MaxLength - hash.Length - 1;
        if (char.IsHighSurrogate(sb[headLength - 1])) headLength--; // never end on half a character
        var head = sb.ToString(0, headLength);
        return $"{head}~{hash}";
    }
}

using System.Net;
using Marketplace.Core.Common;

namespace Marketplace.Core.SellerCalls.Protocol;

/// <summary>
/// Which production and Kit URLs a seller may register (domain.md §7.1, decisions "Seller URLs"): HTTPS with a domain
/// name, no IP literals, no credentials, query or fragment. With <c>allowInsecure</c> (<c>SellerCalls:AllowInsecureUrls</c>,
/// Development only) http and loopback addresses (127.0.0.0/8, ::1, localhost) are accepted too.
/// </summary>
public static class SellerUrlRules
{
    public const string ErrorCode = "seller.invalid-url";
    public const int MaxLength = 512;
    public const string KitPathPrefix = "/produceAPI/v2/";

    /// <summary>Null when the URL may be used; otherwise <c>seller.invalid-url</c> (Invalid) saying why.</summary>
    public static DomainError? Validate(string? url, bool allowInsecure = false)
    {
        if (string.IsNullOrWhiteSpace(url))
        {
            return Error("The URL is required.");
        }

        if (url.Length > MaxLength)
        {
            return Error($"The URL is longer than {MaxLength} characters.");
        }

        if (url.Trim() != url)
        {
            return Error("The URL must not start or end with spaces.");
        }

        if (!url.Contains("://", StringComparison.Ordinal) || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return Error($"'{url}' is not an absolute URL.");
        }

        var isHttps = uri.Scheme == Uri.UriSchemeHttps;
        var isHttp = uri.Scheme == Uri.UriSchemeHttp;
        if (!isHttps && !(isHttp && allowInsecure))
        {
            return Error(allowInsecure
                ? $"The URL must use http or https, not '{uri.Scheme}'."
                : $"The URL must use https (TLS 1.2 or later), not '{uri.Scheme}'.");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            return Error("The URL must not contain a user name or password.");
        }

        if (!string.IsNullOrEmpty(uri.Query) || !string.IsNullOrEmpty(uri.Fragment) || url.Contains('?') || url.Contains('#'))
        {
            return Error("The URL must not have a query string or fragment: the platform appends the signature parameters.");
        }

        var host = uri.IdnHost.TrimEnd('.');
        var loopback = IsLoopback(uri, host);
        if (loopback)
        {
            return allowInsecure ? null : Error($"'{uri.Host}' is a loopback address; sellers must use a public domain name.");
        }

        if (uri.HostNameType is UriHostNameType.IPv4 or UriHostNameType.IPv6 || IPAddress.TryParse(host.Trim('[', ']'), out _))
        {
            return Error($"'{uri.Host}' is an IP address; the URL must use a domain name.");
        }

        if (uri.HostNameType != UriHostNameType.Dns || !IsDomainName(host))
        {
            return Error($"'{uri.Host}' is not a fully qualified domain name (such as www.example.com).");
        }

        return null;
    }

    /// <summary>The URL of a Kit activity: the production address plus <c>/produceAPI/v2/{activity}</c> (§7.1).</summary>
    public static Uri KitUrl(Uri productionAddress, string activity)
    {
        ArgumentNullException.ThrowIfNull(productionAddress);
        if (!SellerActivities.IsKit(activity))
        {
            throw new ArgumentException($"'{activity}' is not a Kit activity.", nameof(activity));
        }

        var text = productionAddress.GetLeftPart(UriPartial.Path).TrimEnd('/');
        return new Uri(text + KitPathPrefix + activity);
    }

    private static bool IsLoopback(Uri uri, string host)
    {
        if (uri.IsLoopback || host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
            || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
    }

    private static bool IsDomainName(string host)
    {
        var labels = host.Split('.');
        if (labels.Length < 2 || host.Length > 253)
        {
            return false;
        }

        foreach (var label in labels)
        {
            if (label.Length is 0 or > 63 || label.StartsWith('-') || label.EndsWith('-')
                || !label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-'))
            {
                return false;
            }
        }

        // A top-level domain is never all digits: "10.0.0.1" style hosts are addresses.
        return !labels[^1].All(char.IsAsciiDigit);
    }

    private static DomainError Error(string detail) => DomainError.Invalid(ErrorCode, detail);
}

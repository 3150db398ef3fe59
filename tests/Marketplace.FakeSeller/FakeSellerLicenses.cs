using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Marketplace.FakeSeller;

/// <summary>A License 2.0 code the fake seller's software activated.</summary>
public sealed record FakeLicense
{
    public required string Code { get; init; }
    public string? OrderId { get; init; }

    /// <summary>Active, Frozen or Released, as the platform's calls left it.</summary>
    public string Status { get; init; } = "Active";
    public string? ExpireTime { get; init; }
    public string? LastScene { get; init; }
    public IReadOnlyList<string> RefreshOrders { get; init; } = [];
}

/// <summary>
/// The seller's side of License 2.0 codes: its software activates a code on the platform (the open API
/// <c>license/activate</c>, signed like the usage push with its own code), and its production interface answers
/// <c>refreshLicenseCode</c>, <c>updateLicenseCodeStatus</c> and <c>releaseLicenseCode</c> for the codes it activated
/// (an unknown code answers 000003, "license code not found").
/// </summary>
public sealed partial class FakeSellerServer
{
    public const string ActivatePath = "/api/mkp-openapi-public/global/v1/license/activate";

    private readonly Dictionary<string, FakeLicense> _licenses = new(StringComparer.Ordinal);

    public IReadOnlyList<FakeLicense> Licenses
    {
        get
        {
            lock (_gate)
            {
                return [.. _licenses.Values];
            }
        }
    }

    public FakeLicense? FindLicense(string code)
    {
        lock (_gate)
        {
            return _licenses.GetValueOrDefault(code);
        }
    }

    /// <summary>
    /// Activates <paramref name="code"/> on the platform as the seller's software does: POST <c>{"license":...}</c> with the
    /// headers ts, nonce and signature = base64(HMAC-SHA256(key, "ts={ts}&amp;nonce={nonce}&amp;body={body}")), made with the
    /// first access key unless <paramref name="key"/> is given. On a 200 the fake holds the code (with the order from the answer).
    /// </summary>
    public async Task<HttpResponseMessage> ActivateLicenseAsync(
        HttpClient platform, string code, string? realEffectTime = null, string? key = null, long? ts = null, string? nonce = null, string? body = null)
    {
        ArgumentNullException.ThrowIfNull(platform);
        body ??= realEffectTime is null
            ? JsonSerializer.Serialize(new { license = code })
            : JsonSerializer.Serialize(new { license = code, real_effect_time = realEffectTime });
        var t = (ts ?? Time.GetUtcNow().ToUnixTimeMilliseconds()).ToString(CultureInfo.InvariantCulture);
        var n = nonce ?? Guid.NewGuid().ToString("N");
        using var request = new HttpRequestMessage(HttpMethod.Post, ActivatePath)
        {
            Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json")),
        };
        request.Headers.Add("ts", t);
        request.Headers.Add("nonce", n);
        request.Headers.Add("signature", ServerSignature(key ?? AccessKeys[0], t, n, body));
        var response = await platform.SendAsync(request).ConfigureAwait(false);
        if (response.IsSuccessStatusCode)
        {
            var answer = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
            using var doc = JsonDocument.Parse(answer);
            var info = doc.RootElement.GetProperty("data").GetProperty("license_code_info").GetString()!;
            using var infoDoc = JsonDocument.Parse(info);
            var orderId = Str(infoDoc.RootElement, "order_id");
            lock (_gate)
            {
                if (!_licenses.ContainsKey(code)) _licenses[code] = new FakeLicense { Code = code, OrderId = orderId, ExpireTime = Str(infoDoc.RootElement, "expire_time") };
            }
        }

        return response;
    }

    /// <summary>The seller server's signature on a call to the platform, computed here independently of the platform's code.</summary>
    public static string ServerSignature(string key, string ts, string nonce, string body) =>
        Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes($"ts={ts}&nonce={nonce}&body={body}")));

    /// <summary>The order of a license code the fake holds (for per-order scenarios).</summary>
    private string? LicenseOrder(string? code)
    {
        lock (_gate)
        {
            return code is not null && _licenses.TryGetValue(code, out var l) ? l.OrderId : null;
        }
    }

    private FakeAnswer LicenseBusiness(string activity, JsonElement root)
    {
        var code = Str(root, "license");
        switch (activity)
        {
            case "refreshLicenseCode":
            {
                var scene = Str(root, "scene");
                if (scene is not ("RENEWAL" or "UNSUBSCRIBE_RENEWAL_PERIOD") || Str(root, "expireTime") is not { Length: 14 } expire)
                {
                    return Result("000002", "param is invalid");
                }

                var order = Str(root, "orderId") ?? "";
                return UpdateLicense(code, l => l with
                {
                    ExpireTime = expire,
                    LastScene = scene,
                    RefreshOrders = l.RefreshOrders.Contains(order) ? l.RefreshOrders : [.. l.RefreshOrders, order],
                });
            }

            case "updateLicenseCodeStatus":
                return Str(root, "status") switch
                {
                    "FREEZE" => UpdateLicense(code, l => l with { Status = "Frozen" }),
                    "UNFREEZE" => UpdateLicense(code, l => l with { Status = "Active" }),
                    _ => Result("000002", "param is invalid"),
                };

            default: // releaseLicenseCode: releasing twice answers success
                return UpdateLicense(code, l => l with { Status = "Released" });
        }
    }

    private FakeAnswer UpdateLicense(string? code, Func<FakeLicense, FakeLicense> change)
    {
        if (code is null || !_licenses.TryGetValue(code, out var license))
        {
            return Result("000003", "license code not found");
        }

        if (license.Status != "Released")
        {
            _licenses[code] = change(license);
        }

        return Result("000000", "success");
    }
}

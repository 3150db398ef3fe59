using System.Globalization;
using System.Text.Json;

namespace Marketplace.Core.SellerCalls.Protocol;

/// <summary>
/// Turns what a seller answered into an outcome (domain.md §7.4, §6.4): success only on HTTP 200 with resultCode
/// <c>000000</c>; <c>000004</c> means "processing" for newInstance and upgradeInstance; everything else (non-200,
/// timeout, transport error, missing or invalid JSON, missing resultCode, any other code) is a retryable failure.
/// </summary>
public static class SellerResponseClassifier
{
    /// <param name="activity">The activity that was sent.</param>
    /// <param name="response">What came back.</param>
    /// <param name="bodySignKey">The seller's base key, to check a <c>Body-Sign</c> header when one is present. Unsigned answers are accepted.</param>
    /// <param name="strictBodySign">When true, a present but wrong <c>Body-Sign</c> fails the call instead of only being recorded.</param>
    public static SellerOutcome Classify(string activity, SellerResponse response, string? bodySignKey = null, bool strictBodySign = false)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(response);

        if (response.TimedOut)
        {
            return Fail(SellerFailure.Timeout, response.TransportError ?? "timeout", null);
        }

        if (response.HttpStatus is null)
        {
            return Fail(SellerFailure.Transport, response.TransportError ?? "no response", null);
        }

        var status = response.HttpStatus.Value;
        var body = response.Body;
        var mismatch = false;
        if (bodySignKey is not null && response.BodySignHeader is not null)
        {
            var check = BodySign.Verify(bodySignKey, body ?? "", response.BodySignHeader);
            mismatch = check is BodySignCheck.Mismatch or BodySignCheck.Malformed;
        }

        JsonElement root = default;
        string? parseError = null;
        JsonDocument? doc = null;
        try
        {
            if (string.IsNullOrWhiteSpace(body))
            {
                parseError = "empty body";
            }
            else
            {
                doc = JsonDocument.Parse(body);
                root = doc.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    parseError = "the body is not a JSON object";
                }
            }
        }
        catch (JsonException)
        {
            parseError = "the body is not JSON";
        }

        using (doc)
        {
            var code = parseError is null ? GetString(root, "resultCode") : null;
            var msg = parseError is null ? Truncate(GetString(root, "resultMsg"), SellerFieldLimits.ResultMsg) : null;

            SellerOutcome Failed(SellerFailure failure, string error) =>
                new(SellerOutcomeKind.Failed, failure, status, code, msg, error, BodySignMismatch: mismatch);

            if (status != 200)
            {
                return Failed(SellerFailure.HttpStatus, $"HTTP {status.ToString(CultureInfo.InvariantCulture)}"
                    + (code is null ? "" : $" (resultCode {code}: {ResultCodes.Describe(code)})"));
            }

            if (parseError is not null)
            {
                return Failed(SellerFailure.InvalidJson, parseError);
            }

            if (string.IsNullOrEmpty(code))
            {
                return Failed(SellerFailure.MissingResultCode, "the answer has no resultCode");
            }

            if (mismatch && strictBodySign)
            {
                return Failed(SellerFailure.InvalidResponse, "the Body-Sign header does not match the body");
            }

            if (code == ResultCodes.InProgress && SellerActivities.MayAnswerInProgress(activity))
            {
                var pending = GetString(root, "instanceId");
                if (pending is not null && (pending.Length == 0 || pending.Length > SellerFieldLimits.Id))
                {
                    pending = null;
                }

                return new SellerOutcome(SellerOutcomeKind.InProgress, SellerFailure.None, status, code, msg, null,
                    InstanceId: pending, BodySignMismatch: mismatch);
            }

            if (code != ResultCodes.Success)
            {
                return Failed(SellerFailure.ResultCode, $"resultCode {code}: {ResultCodes.Describe(code)}");
            }

            string? instanceId = null;
            IReadOnlyList<InstanceInfo>? info = null;
            switch (activity)
            {
                case SellerActivities.NewInstance:
                    instanceId = GetString(root, "instanceId");
                    if (string.IsNullOrEmpty(instanceId))
                    {
                        return Failed(SellerFailure.InvalidResponse, "000000 without an instanceId");
                    }

                    if (instanceId.Length > SellerFieldLimits.Id)
                    {
                        return Failed(SellerFailure.InvalidResponse, $"instanceId longer than {SellerFieldLimits.Id} characters");
                    }

                    break;
                case SellerActivities.QueryInstance:
                    var error = ParseInfo(root, out info);
                    if (error is not null)
                    {
                        return Failed(SellerFailure.InvalidResponse, error);
                    }

                    break;
            }

            return new SellerOutcome(SellerOutcomeKind.Succeeded, SellerFailure.None, status, code, msg, null,
                InstanceId: instanceId, Info: info, BodySignMismatch: mismatch);
        }

        static SellerOutcome Fail(SellerFailure failure, string error, int? status) =>
            new(SellerOutcomeKind.Failed, failure, status, null, null, error);
    }

    /// <summary>Parses and checks the queryInstance <c>info[]</c> (§7.5 lengths); returns an error text or null.</summary>
    private static string? ParseInfo(JsonElement root, out IReadOnlyList<InstanceInfo>? info)
    {
        info = null;
        if (!root.TryGetProperty("info", out var array) || array.ValueKind == JsonValueKind.Null)
        {
            info = [];
            return null;
        }

        if (array.ValueKind != JsonValueKind.Array)
        {
            return "info must be an array";
        }

        var list = new List<InstanceInfo>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                return "info[] elements must be objects";
            }

            var id = GetString(item, "instanceId");
            if (string.IsNullOrEmpty(id) || id.Length > SellerFieldLimits.Id)
            {
                return $"info[].instanceId is required, at most {SellerFieldLimits.Id} characters";
            }

            AppInfo? appInfo = null;
            if (item.TryGetProperty("appInfo", out var app) && app.ValueKind != JsonValueKind.Null)
            {
                if (app.ValueKind != JsonValueKind.Object)
                {
                    return "appInfo must be an object";
                }

                var frontEndUrl = GetString(app, "frontEndUrl");
                if (string.IsNullOrEmpty(frontEndUrl))
                {
                    return "appInfo.frontEndUrl is required";
                }

                appInfo = new AppInfo(frontEndUrl, GetString(app, "adminUrl"), GetString(app, "userName"),
                    GetString(app, "password"), GetString(app, "memo"));
                var tooLong = TooLong("appInfo.frontEndUrl", appInfo.FrontEndUrl, SellerFieldLimits.Url)
                    ?? TooLong("appInfo.adminUrl", appInfo.AdminUrl, SellerFieldLimits.Url)
                    ?? TooLong("appInfo.userName", appInfo.UserName, SellerFieldLimits.UserName)
                    ?? TooLong("appInfo.password", appInfo.Password, SellerFieldLimits.Password)
                    ?? TooLong("appInfo.memo", appInfo.Memo, SellerFieldLimits.Memo);
                if (tooLong is not null)
                {
                    return tooLong;
                }
            }

            var usage = new List<UsageInfo>();
            if (item.TryGetProperty("usageInfo", out var usages) && usages.ValueKind == JsonValueKind.Array)
            {
                foreach (var u in usages.EnumerateArray())
                {
                    if (u.ValueKind != JsonValueKind.Object)
                    {
                        return "usageInfo[] elements must be objects";
                    }

                    var dashboard = GetString(u, "dashboardUrl");
                    var tooLong = TooLong("usageInfo.dashboardUrl", dashboard, SellerFieldLimits.Url);
                    if (tooLong is not null)
                    {
                        return tooLong;
                    }

                    usage.Add(new UsageInfo(GetString(u, "relatedInstanceId"), GetDecimal(u, "usageValue"),
                        GetString(u, "statisticalTime"), dashboard));
                }
            }

            list.Add(new InstanceInfo(id, appInfo, usage));
        }

        info = list;
        return null;
    }

    private static string? TooLong(string name, string? value, int max) =>
        value is not null && value.Length > max ? $"{name} is longer than {max} characters" : null;

    private static string? GetString(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String
            ? v.GetString()
            : null;

    private static decimal? GetDecimal(JsonElement obj, string name)
    {
        if (!obj.TryGetProperty(name, out var v))
        {
            return null;
        }

        return v.ValueKind switch
        {
            JsonValueKind.Number when v.TryGetDecimal(out var d) => d,
            JsonValueKind.String when decimal.TryParse(v.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => d,
            _ => null,
        };
    }

    private static string? Truncate(string? s, int max) => s is null || s.Length <= max ? s : s[..max];
}

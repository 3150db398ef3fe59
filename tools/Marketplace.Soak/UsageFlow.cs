using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Marketplace.Soak;

/// <summary>
/// A metered instance and its seller's server pushing usage, as a careful seller does: a push whose answer is lost is
/// sent again whole (new <c>ts</c>, <c>nonce</c> and signature) and its 005/010 answers count as delivered. Some pushes
/// carry deliberate duplicates (a known interval under a new sn: 010; an sn twice in one push: 005), some are resent as
/// they were (every record 005 or 010). Records begin two days ago (billing zone), so their hourly and daily periods are
/// due when the bill runs at the end seal them.
/// </summary>
internal sealed class UsageFlow(Api api, Ledger ledger, Violations violations, Random random)
{
    public const string PushPath = "/api/mkp-openapi-public/global/v1/isv/usage-data";
    private static readonly TimeZoneInfo BillingZone = TimeZoneInfo.FindSystemTimeZoneById("Asia/Shanghai");

    private sealed record Record(string InstanceId, string Sn, DateTimeOffset Begin, DateTimeOffset End, string Value, string? Expect);

    public async Task RunAsync(Party buyer, SellerSide seller, Flows flows)
    {
        var hourly = random.NextDouble() < 0.5;
        var order = await flows.PlaceSaasAsync(buyer, seller, hourly ? seller.HourlyProduct : seller.DailyProduct, metered: true);
        var instanceId = order.ManualInstanceId ?? order.InstanceId ?? throw new SoakFailure($"order {order.OrderId} has no instance");
        ledger.MeteredInstances[instanceId] = seller.SellerId;
        var localToday = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, BillingZone).DateTime);
        var dayStart = new DateTimeOffset(localToday.AddDays(-2).ToDateTime(TimeOnly.MinValue), BillingZone.BaseUtcOffset).ToUniversalTime();
        var slot = 0;
        var accepted = new List<Record>();
        List<Record>? previous = null;
        var pushes = random.Next(2, 6);
        for (var p = 0; p < pushes; p++)
        {
            var records = new List<Record>();
            for (var i = random.Next(10, 60); i > 0; i--) records.Add(Fresh(instanceId, dayStart, slot++));
            if (accepted.Count > 0 && random.NextDouble() < 0.3)
            {
                foreach (var known in accepted.OrderBy(_ => random.Next()).Take(random.Next(1, 4)))
                    records.Insert(random.Next(records.Count + 1), known with { Sn = NewSn(), Expect = "010" }); // same interval, new sn
            }

            if (random.NextDouble() < 0.2)
            {
                var first = records.First(r => r.Expect is null);
                records.Add(Fresh(instanceId, dayStart, slot++) with { Sn = first.Sn, Expect = "005" }); // an sn twice in one push
            }

            await PushAsync(seller, records, resend: false, accepted);
            if (previous is not null && random.NextDouble() < 0.3) await PushAsync(seller, previous, resend: true, accepted);
            previous = records;
            await Task.Delay(random.Next(0, 2000));
        }
    }

    private async Task PushAsync(SellerSide seller, List<Record> records, bool resend, List<Record> accepted)
    {
        var body = Body(records);
        var registeredBy = DateTime.UtcNow + TimeSpan.FromMinutes(2);
        while (true)
        {
            var reply = await api.SendAsync($"POST usage push ({records.Count} records{(resend ? ", resent" : "")})", () => Signed(seller.AccessKey, body));
            ledger.Pushed();
            // The metering index learns of a new instance through the order's outbox, a moment after the order shows it
            // active: until then a push of only that instance finds no seller (401) or no instance (001/013). Wait for it.
            var unknown = reply.Status == 401 && reply.Code == "auth.bad-signature";
            var abnormal = reply.Status != 200 ? [] : reply.Expect(200).Json["abnormal_usage_data"]!.AsArray()
                .ToDictionary(a => a!["record_index"]!.GetValue<int>(), a => a!["error_code"]!.GetValue<string>());
            if (!resend && accepted.Count == 0 && DateTime.UtcNow < registeredBy
                && (unknown || (abnormal.Count == records.Count && abnormal.Values.All(c => c is "001" or "013"))))
            {
                await Task.Delay(1000);
                continue;
            }

            reply.Expect(200);

            for (var i = 0; i < records.Count; i++)
            {
                var r = records[i];
                var code = abnormal.GetValueOrDefault(i);
                if (r.Expect is not null)
                {
                    if (code is "005" or "010")
                    {
                        if (r.Expect == "010") ledger.RefusedUsage[r.Sn] = r.InstanceId;
                        continue;
                    }

                    violations.Add("usage-dedupe", $"deliberate duplicate {r.Sn} of {r.InstanceId} (expected {r.Expect}) answered {code ?? "accepted"}");
                }
                else if (resend)
                {
                    if (code is not ("005" or "010"))
                        violations.Add("usage-dedupe", $"resent record {r.Sn} of {r.InstanceId} answered {code ?? "accepted"}, not 005/010");
                }
                else if (code is null || (reply.Uncertain && code is "005" or "010"))
                {
                    ledger.AcceptedUsage[r.Sn] = r.InstanceId;
                    accepted.Add(r);
                }
                else
                {
                    violations.Add("usage-refused", $"record {r.Sn} of {r.InstanceId} answered {code}{(reply.Uncertain ? " after a lost answer" : "")}");
                }
            }

            return;
        }
    }

    private Record Fresh(string instanceId, DateTimeOffset dayStart, int slot)
    {
        var begin = dayStart.AddMinutes(slot);
        var value = (random.Next(1, 100_000) / 100m).ToString(CultureInfo.InvariantCulture);
        return new Record(instanceId, NewSn(), begin, begin.AddMinutes(1), value, null);
    }

    private static string NewSn() => Guid.NewGuid().ToString("N");

    private static HttpRequestMessage Signed(string accessKey, string body)
    {
        var ts = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        var nonce = Guid.NewGuid().ToString("N");
        var signature = Convert.ToBase64String(HMACSHA256.HashData(Encoding.UTF8.GetBytes(accessKey), Encoding.UTF8.GetBytes($"ts={ts}&nonce={nonce}&body={body}")));
        var request = new HttpRequestMessage(HttpMethod.Post, PushPath) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add("signature", signature);
        request.Headers.Add("ts", ts);
        request.Headers.Add("nonce", nonce);
        return request;
    }

    /// <summary>The body as a seller's server writes it: compact, the keys of each record in ascending order.</summary>
    private static string Body(List<Record> records)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteStartArray("usage_records");
            foreach (var r in records)
            {
                json.WriteStartObject();
                json.WriteString("begin_time", Time(r.Begin));
                json.WriteString("end_time", Time(r.End));
                json.WriteString("instance_id", r.InstanceId);
                json.WriteString("metering_sn", r.Sn);
                json.WriteString("record_time", Time(r.End.AddSeconds(30)));
                json.WriteString("usage_value", r.Value);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture);
}

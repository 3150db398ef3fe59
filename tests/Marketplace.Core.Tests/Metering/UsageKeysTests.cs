using Marketplace.Core.Metering;
using static Marketplace.Core.Tests.Metering.MeteringFixture;

namespace Marketplace.Core.Tests.Metering;

public class UsageKeysTests
{
    [Fact]
    public void Record_table_is_the_billing_day_in_Shanghai_not_the_UTC_day()
    {
        // SHA-256("i") starts with de7d: 0xde7d % 32 = 29 (computed independently with sha256sum).
        Assert.Equal("usage20261122r29", UsageKeys.RecordAddress(new UsageRecordIdentity("i", Utc(2026, 11, 21, 16, 30), Utc(2026, 11, 21, 17)), Shanghai).Table);
        Assert.Equal("usage20261121r29", UsageKeys.RecordAddress(new UsageRecordIdentity("i", Utc(2026, 11, 21, 15, 59), Utc(2026, 11, 21, 17)), Shanghai).Table);
    }

    [Fact]
    public void Record_table_of_a_period_holds_all_of_its_records()
    {
        var day = BillingPeriods.PeriodOf(Utc(2026, 11, 21, 16, 30), BillingGranularity.Day, Shanghai);
        var hour = BillingPeriods.PeriodOf(Utc(2026, 11, 22, 15, 30), BillingGranularity.Hour, Shanghai);

        Assert.Equal("usage20261122r29", UsageKeys.RecordTableName(day, "i"));
        Assert.Equal("usage20261122r29", UsageKeys.RecordTableName(hour, "i"));
        Assert.Equal("usage20261122r29", UsageKeys.RecordAddress(new UsageRecordIdentity("i", day.EndUtc.AddSeconds(-1), day.EndUtc), Shanghai).Table);
    }

    [Theory]
    [InlineData("usage20261122", true)]
    [InlineData("usage20261122r31", true)]
    [InlineData("usagebills", true)]
    [InlineData("ab", false)]
    [InlineData("abc", true)]
    [InlineData("1usage", false)]
    [InlineData("usage-2026", false)]
    [InlineData("usage_2026", false)]
    [InlineData("tables", false)]
    [InlineData("Tables", false)]
    public void Table_names_follow_the_Azure_rules(string name, bool valid)
    {
        Assert.Equal(valid, UsageKeys.IsValidTableName(name));
        Assert.True(UsageKeys.IsValidTableName(new string('a', 63)));
        Assert.False(UsageKeys.IsValidTableName(new string('a', 64)));
    }

    [Fact]
    public void Every_billing_day_table_name_is_valid()
    {
        for (var day = new DateOnly(2020, 1, 1); day < new DateOnly(2031, 1, 1); day = day.AddDays(1))
        {
            Assert.True(UsageKeys.IsValidTableName("mkp" + UsageKeys.RecordTableName(day, "instance")));
            Assert.True(UsageKeys.IsValidTableName("mkp" + UsageKeys.SnClaimTableName(day, "sn")));
            Assert.Equal(day, UsageKeys.DayOfTable(UsageKeys.RecordTableName(day, "instance")));
            Assert.Equal(day, UsageKeys.DayOfTable(UsageKeys.SnClaimTableName(day, "sn")));
        }

        foreach (var name in new[] { UsageKeys.BillTable, UsageKeys.ActivityTable, UsageKeys.LateTable, UsageKeys.RunTable, UsageKeys.InstanceTable, UsageKeys.NonceTableName(Utc(2026, 11, 22, 0)) })
        {
            Assert.True(UsageKeys.IsValidTableName("mkp" + name), name);
            Assert.Null(UsageKeys.DayOfTable(name));
        }
    }

    [Fact]
    public void Record_keys_have_the_documented_shape()
    {
        var address = UsageKeys.RecordAddress(new UsageRecordIdentity("7f141bf1-aec8", Utc(2022, 8, 9, 8), Utc(2022, 8, 9, 9)), Shanghai);

        Assert.Equal(new UsageRowAddress("usage20220809r00", "7f141bf1-aec8|20220809", "r|20220809080000|20220809090000"), address);
        Assert.True(UsageKeys.TryParseRecordRowKey(address.RowKey, out var begin, out var end));
        Assert.Equal((Utc(2022, 8, 9, 8), Utc(2022, 8, 9, 9)), (begin, end));
    }

    [Fact]
    public void The_same_identity_always_maps_to_the_same_row_and_different_identities_to_different_rows()
    {
        var a = new UsageRecordIdentity("inst-1", Utc(2026, 11, 22, 5), Utc(2026, 11, 22, 6));
        var again = new UsageRecordIdentity("inst-1", new DateTimeOffset(2026, 11, 22, 13, 0, 0, TimeSpan.FromHours(8)), Utc(2026, 11, 22, 6));

        Assert.Equal(UsageKeys.RecordAddress(a, Shanghai), UsageKeys.RecordAddress(again, Shanghai));
        Assert.NotEqual(UsageKeys.RecordAddress(a, Shanghai), UsageKeys.RecordAddress(a with { EndUtc = Utc(2026, 11, 22, 5, 30) }, Shanghai));
        Assert.NotEqual(UsageKeys.RecordAddress(a, Shanghai), UsageKeys.RecordAddress(a with { BeginUtc = Utc(2026, 11, 22, 5, 0, 1) }, Shanghai));
        Assert.NotEqual(UsageKeys.RecordAddress(a, Shanghai), UsageKeys.RecordAddress(a with { InstanceId = "inst-2" }, Shanghai));
    }

    [Fact]
    public void Row_key_range_of_a_period_selects_exactly_the_records_beginning_in_it()
    {
        var period = BillingPeriods.PeriodOf(Utc(2026, 11, 22, 5, 30), BillingGranularity.Hour, Shanghai);
        var (from, to) = UsageKeys.RecordRowKeyRange(period);

        bool InRange(DateTimeOffset begin, DateTimeOffset end)
        {
            var key = UsageKeys.RecordRowKey(begin, end);
            return string.CompareOrdinal(key, from) >= 0 && string.CompareOrdinal(key, to) < 0;
        }

        Assert.True(InRange(Utc(2026, 11, 22, 5), Utc(2026, 11, 22, 5, 0, 1)));
        Assert.True(InRange(Utc(2026, 11, 22, 5, 59, 59), Utc(2026, 11, 22, 9)));
        Assert.False(InRange(Utc(2026, 11, 22, 4, 59, 59), Utc(2026, 11, 22, 6)));
        Assert.False(InRange(Utc(2026, 11, 22, 6), Utc(2026, 11, 22, 7)));
    }

    [Fact]
    public void Sn_claim_keys_are_per_seller_in_the_records_day_and_sharded_by_a_hash()
    {
        var day = new DateOnly(2026, 11, 22);
        var address = UsageKeys.SnClaimAddress("seller-1", "a1b2c3", day);

        // SHA-256("a1b2c3") starts with 4f32: 0x4f32 % 32 = 18 (computed independently with sha256sum).
        Assert.Equal(new UsageRowAddress("usage20261122n18", "seller-1|sn", "a1b2c3"), address);
        Assert.Equal(address, UsageKeys.SnClaimAddress("seller-1", "a1b2c3", day));
        Assert.NotEqual(address.PartitionKey, UsageKeys.SnClaimAddress("seller-2", "a1b2c3", day).PartitionKey);
        Assert.NotEqual(address.Table, UsageKeys.SnClaimAddress("seller-1", "a1b2c3", day.AddDays(1)).Table);
    }

    [Fact]
    public void Records_and_claims_spread_evenly_over_the_shards_of_a_day()
    {
        var day = new DateOnly(2026, 11, 22);
        var claims = Enumerable.Range(0, 32_000).GroupBy(i => UsageKeys.SnClaimTableName(day, $"sn-{i}")).ToList();
        var records = Enumerable.Range(0, 3_200).GroupBy(i => UsageKeys.RecordTableName(day, $"inst-{i}")).ToList();

        Assert.Equal(UsageKeys.SnClaimShards, claims.Count);
        Assert.Equal(UsageKeys.RecordShards, records.Count);
        Assert.All(claims, g => Assert.InRange(g.Count(), 800, 1200));
        Assert.All(records, g => Assert.InRange(g.Count(), 60, 140));
    }

    [Theory]
    [InlineData("plain-id_1.2~x", "plain-id_1.2~x")]
    [InlineData("a/b", "a%2Fb")]
    [InlineData("a\\b", "a%5Cb")]
    [InlineData("a#b", "a%23b")]
    [InlineData("a?b", "a%3Fb")]
    [InlineData("a|b", "a%7Cb")]
    [InlineData("100%", "100%25")]
    [InlineData("a%2Fb", "a%252Fb")]
    [InlineData("tab\there", "tab%09here")]
    [InlineData("nl\n", "nl%0A")]
    [InlineData("nul\0", "nul%00")]
    [InlineData("del\u007f", "del%7F")]
    [InlineData("c1\u0085", "c1%85")]
    [InlineData("中文-ü-😀", "中文-ü-😀")]
    [InlineData("", "")]
    public void Key_escaping_is_deterministic_and_reversible(string value, string escaped)
    {
        Assert.Equal(escaped, UsageKeys.EscapeKey(value));
        Assert.Equal(value, UsageKeys.UnescapeKey(escaped));
        Assert.True(UsageKeys.IsValidKey(escaped));
    }

    [Fact]
    public void Lone_surrogates_are_escaped_too()
    {
        var value = "x\uD800y\uDC00";

        var escaped = UsageKeys.EscapeKey(value);

        Assert.Equal("x%uD800y%uDC00", escaped);
        Assert.Equal(value, UsageKeys.UnescapeKey(escaped));
    }

    [Fact]
    public void Escaping_keeps_composed_keys_apart()
    {
        // Without escaping '|' and '%', these instances would share a partition key.
        Assert.NotEqual(UsageKeys.RecordPartitionKey("a|20261122", new DateOnly(2026, 11, 22)), UsageKeys.RecordPartitionKey("a", new DateOnly(2026, 11, 22)));
        Assert.NotEqual(UsageKeys.EscapeKey("a|b"), UsageKeys.EscapeKey("a%7Cb"));
        Assert.Equal("a%7Cb|20261122", UsageKeys.RecordPartitionKey("a|b", new DateOnly(2026, 11, 22)));
        Assert.Equal("bad%2Fsn%3F", UsageKeys.SnClaimRowKey("bad/sn?"));
    }

    [Fact]
    public void Escaped_keys_of_arbitrary_text_are_valid_and_round_trip()
    {
        var random = new Random(20261122);
        for (var i = 0; i < 2000; i++)
        {
            var chars = new char[random.Next(0, 64)];
            for (var j = 0; j < chars.Length; j++)
            {
                chars[j] = (char)random.Next(0, 0x250);
            }

            var value = new string(chars);
            var escaped = UsageKeys.EscapeKey(value);
            Assert.True(UsageKeys.IsValidKey(escaped), escaped);
            Assert.Equal(value, UsageKeys.UnescapeKey(escaped));
        }
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\u0001b")]
    public void Unescaped_forbidden_characters_make_an_invalid_key(string key)
    {
        Assert.False(UsageKeys.IsValidKey(key));
    }

    [Fact]
    public void Keys_longer_than_1_KiB_are_invalid()
    {
        Assert.True(UsageKeys.IsValidKey(new string('k', 512)));
        Assert.False(UsageKeys.IsValidKey(new string('k', 513)));
    }

    [Theory]
    [InlineData("%")]
    [InlineData("%2")]
    [InlineData("%ZZ")]
    [InlineData("%u12")]
    public void Malformed_escapes_throw(string key)
    {
        Assert.Throws<FormatException>(() => UsageKeys.UnescapeKey(key));
    }
}

using Marketplace.Core.Metering;
using static Marketplace.Core.Tests.Metering.MeteringFixture;

namespace Marketplace.Core.Tests.Metering;

public class UsageKeysTests
{
    [Fact]
    public void Record_table_is_the_billing_day_in_Shanghai_not_the_UTC_day()
    {
        Assert.Equal("usage20261122", UsageKeys.RecordAddress(new UsageRecordIdentity("i", Utc(2026, 11, 21, 16, 30), Utc(2026, 11, 21, 17)), Shanghai).Table);
        Assert.Equal("usage20261121", UsageKeys.RecordAddress(new UsageRecordIdentity("i", Utc(2026, 11, 21, 15, 59), Utc(2026, 11, 21, 17)), Shanghai).Table);
    }

    [Fact]
    public void Record_table_of_a_period_holds_all_of_its_records()
    {
        var day = BillingPeriods.PeriodOf(Utc(2026, 11, 21, 16, 30), BillingGranularity.Day, Shanghai);
        var hour = BillingPeriods.PeriodOf(Utc(2026, 11, 22, 15, 30), BillingGranularity.Hour, Shanghai);

        Assert.Equal("usage20261122", UsageKeys.RecordTableName(day));
        Assert.Equal("usage20261122", UsageKeys.RecordTableName(hour));
        Assert.Equal("usage20261122", UsageKeys.RecordAddress(new UsageRecordIdentity("i", day.EndUtc.AddSeconds(-1), day.EndUtc), Shanghai).Table);
    }

    [Theory]
    [InlineData("usage20261122", true)]
    [InlineData("usagesnclaims", true)]
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
            Assert.True(UsageKeys.IsValidTableName(UsageKeys.RecordTableName(day)));
        }

        Assert.True(UsageKeys.IsValidTableName(UsageKeys.SnClaimTable));
        Assert.True(UsageKeys.IsValidTableName(UsageKeys.BillTable));
    }

    [Fact]
    public void Record_keys_have_the_documented_shape()
    {
        var address = UsageKeys.RecordAddress(new UsageRecordIdentity("7f141bf1-aec8", Utc(2022, 8, 9, 8), Utc(2022, 8, 9, 9)), Shanghai);

        Assert.Equal(new UsageRowAddress("usage20220809", "7f141bf1-aec8|20220809", "r|20220809080000|20220809090000"), address);
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
    public void Sn_claim_keys_are_per_seller_and_sharded_by_a_hash_prefix()
    {
        var address = UsageKeys.SnClaimAddress("seller-1", "a1b2c3");

        Assert.Equal(UsageKeys.SnClaimTable, address.Table);
        Assert.Matches("^seller-1\\|sn\\|[0-9a-f]{2}$", address.PartitionKey);
        Assert.Equal("a1b2c3", address.RowKey);
        Assert.Equal(address, UsageKeys.SnClaimAddress("seller-1", "a1b2c3"));
        Assert.NotEqual(address.PartitionKey, UsageKeys.SnClaimAddress("seller-2", "a1b2c3").PartitionKey);
        // SHA-256("a1b2c3") starts with "4f" (computed independently with sha256sum).
        Assert.Equal("seller-1|sn|4f", address.PartitionKey);
    }

    [Fact]
    public void Sn_claims_spread_over_many_partitions()
    {
        var shards = Enumerable.Range(0, 5000).Select(i => UsageKeys.SnClaimPartitionKey("s", $"sn-{i}")).Distinct().Count();

        Assert.Equal(256, shards);
    }

    [Fact]
    public void Bill_keys_are_deterministic()
    {
        Assert.Equal("inst%2F1", UsageKeys.BillPartitionKey("inst/1"));
        Assert.Equal("202611211600|day", UsageKeys.BillRowKey(BillingGranularity.Day, Utc(2026, 11, 21, 16)));
        Assert.Equal("202611220500|hour", UsageKeys.BillRowKey(BillingGranularity.Hour, Utc(2026, 11, 22, 5)));
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

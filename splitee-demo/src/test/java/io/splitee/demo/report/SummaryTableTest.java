package io.splitee.demo.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The text table's name column: long names are cut, a row's parenthesised kind kept. */
class SummaryTableTest {

    @Test
    void aLongLiveSpecKeepsItsLiveSuffix() {
        String cut = SummaryTable.cut("splitee-s:side=learned,detect=ph,refocus=0.1 (live)", SummaryTable.NAME_WIDTH);
        assertEquals(SummaryTable.NAME_WIDTH, cut.length());
        assertEquals("splitee-s:side=learned,detect=ph… (live)", cut);
    }

    @Test
    void shortNamesAndNamesWithoutASuffixAreCutAtTheEnd() {
        assertEquals("final exit", SummaryTable.cut("final exit", 40));
        assertEquals("abcdefghi…", SummaryTable.cut("abcdefghijklmnop", 10));
        assertEquals("ab… (live)", SummaryTable.cut("abcdefghijklmnop (live)", 10));
        assertEquals("abcdefg…", SummaryTable.cut("abcdefghijklmnop (live)", 8), "a suffix that leaves no room is cut too");
    }
}

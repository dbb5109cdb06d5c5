// Words that say what kind of task a prompt is, the strongest signal of how capable a model it
// needs (measured on test/fixtures/routing-prompts.json). Matched on the last user message only:
// pasted material and earlier turns describe context, not the task. A few non-English forms are
// included for the languages the labelled set covers; extend them in the same style.

/** Work that needs a premium model: proofs, derivations, systems, subtle bugs, risk, statistics. */
export const COMPLEX_INTENT = new RegExp(
  [
    String.raw`\b(prove|proof|derive|derivation|theorem|lemma|induction|invariant|amortized|asymptotic|big-?o|np-hard|algorithm|optimal(ly)?|maximum-profit|minimi[sz]e|trade-?offs?)\b`,
    String.raw`\b(distributed|globally consistent|consisten(cy|t)|consensus|raft|paxos|linearizab\w*|crdts?|operational transformation|idempoten\w*)\b`,
    String.raw`\b(race condition|deadlock|concurren\w*|thread-?safe|atomics?|std::atomic|lock-free|memory (model|order\w*|leak)|leaks?|segfaults?|dangling|undefined behaviou?r|goroutines?|oom|heap (grows|snapshot)|happens-before)\b`,
    String.raw`\b(root cause|only in prod|under load|intermittent\w*|rebalanc\w*|charged twice|double[- ]charg\w*)\b`,
    String.raw`\b(threat[- ]model\w*|attack\w*|vulnerab\w*|forg(e|ery)|timing attack|tamper\w*)\b`,
    String.raw`\b(migrat(e|ion)|zero[- ]downtime|cutover|failover|capacity plan\w*|queue?ing|poisson|p99|headroom)\b`,
    String.raw`\b(variance|expected (value|number)|probability|statistic\w*|significan\w*|confound\w*|interference|randomi[sz]\w*|forecast\w*)\b`,
    String.raw`\b(risks?|liabilit\w*|indemn\w*|gdpr|erasure|compliance|auditors?)\b`,
    String.raw`\b(why can't|walk through|justify|rigorous\w*|explicit (bounds|numbers))\b`,
    '(证明|推导|分布式|一致性|并发|算法|复杂度|时钟回拨|权衡|方案)',
    '(証明|並行|競合|メモリモデル|アルゴリズム|計算量|原因を説明)',
    String.raw`(доказ\w*|алгоритм\w*|сложност\w*)`,
  ].join('|'),
  'giu',
);

/** Producing or transforming content: a mid-tier model's daily work. */
export const CONTENT_INTENT = new RegExp(
  [
    String.raw`\b(write|draft|compose|rewrite|summari[sz]e|summary|explain|describe|implement|refactor|review|compare|design|convert this|turn this into|extract the fields)\b`,
    String.raw`\b(function|script|component|tests?|unit tests?|query|schema|email|letter|memo|story|description|bullets?|formula|cover letter|newsletter)\b`,
    '(解释|总结|摘要|要約|説明|箇条書き|erkläre|schreibe|fasse|redacta|escribe|explica|напиши|объясни)',
  ].join('|'),
  'giu',
);

/** Lookups, one-line transformations and small talk: a small model answers them perfectly. */
export const SIMPLE_INTENT = new RegExp(
  [
    String.raw`\b(translate|translation|what'?s the (timestamp|deadline|command|port|date|time)|which port|what time|what do(es)? .{1,40} (mean|stand for)|what language|how many|is \d+ a|yes or no|one-liner|regex to|snake_case|camelcase|alphabeti[sz]ed?|bulleted list|fix the grammar|grammar|spelling|give (this|it) a title|title for|sentiment|positive or negative|find .{1,30}(number|email|phone)|pull the email|umbrella|weather)\b`,
    String.raw`^\s*(hi|hello|hey|thanks|thank you|ok|okay)\b`,
    String.raw`\b(convert \d|as a percentage|to celsius|to fahrenheit)\b`,
    '(翻译|翻訳|英語|übersetze|cuántos|صنّف)',
  ].join('|'),
  'giu',
);

-- An article NewsAPI finds for several symbols is kept under each of them: the key becomes
-- the url's hash and the symbol it was found for. Under the hash alone (0006) an article
-- that matched two held symbols was kept under the first one stored, and the second
-- symbol's headlines lost it.

ALTER TABLE news_articles DROP CONSTRAINT news_articles_pkey;
ALTER TABLE news_articles ADD PRIMARY KEY (id, symbol);

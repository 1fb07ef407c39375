"""Inline CSS for the thread page: close enough to Slack's look that a demo viewer reads it as a Slack thread."""

THREAD_CSS = """
*{box-sizing:border-box}
body{margin:0;background:#f8f8f8;font:15px/1.46668 -apple-system,BlinkMacSystemFont,"Segoe UI",Lato,Helvetica,Arial,sans-serif;color:#1d1c1d}
.thread{max-width:760px;margin:24px auto;background:#fff;border:1px solid #e2e2e2;border-radius:8px;overflow:hidden}
.thread-header{display:flex;align-items:baseline;gap:10px;padding:14px 20px;border-bottom:1px solid #e2e2e2}
.thread-header h1{font-size:18px;margin:0;font-weight:900}.thread-header .channel{color:#616061}
.message{display:flex;gap:10px;padding:8px 20px}.message:hover{background:#f8f8f8}
.message.ephemeral{background:#f4f9ff}.ephemeral-note{font-size:12px;color:#616061;margin-bottom:2px}
.message.tombstone .body{color:#868686;font-style:italic}
.avatar{flex:0 0 36px;height:36px;border-radius:6px;color:#fff;font-weight:700;font-size:14px;display:flex;align-items:center;justify-content:center}
.content{flex:1;min-width:0}.meta{display:flex;align-items:baseline;gap:6px}
.author{font-weight:900}.app-badge{background:#e8e8e8;color:#616061;font-size:10px;font-weight:700;padding:1px 3px;border-radius:2px}
time{color:#616061;font-size:12px}.edited{color:#868686;font-size:12px}
.body p{margin:0}.body b{font-weight:700}.body ul,.body ol{margin:4px 0;padding-left:22px}
.body code{font:12px Monaco,Menlo,Consolas,monospace;color:#e01e5a;background:#f6f6f6;border:1px solid #e2e2e2;border-radius:3px;padding:1px 3px}
.body pre{font:12px Monaco,Menlo,Consolas,monospace;background:#f8f8f8;border:1px solid #e2e2e2;border-radius:4px;padding:8px;white-space:pre-wrap;margin:4px 0}
.body blockquote{border-left:4px solid #ddd;margin:4px 0;padding-left:10px;color:#454245}
.mention{background:#e8f5fa;color:#1264a3;border-radius:3px;padding:0 2px}a{color:#1264a3;text-decoration:none}
.block{margin:4px 0}.block h3{font-size:18px;margin:8px 0 4px}.block hr{border:0;border-top:1px solid #e2e2e2;margin:10px 0}
.block-section{display:flex;gap:12px}.section-main{flex:1}.fields{display:grid;grid-template-columns:1fr 1fr;gap:6px 16px;margin-top:6px}
.accessory img{width:88px;height:88px;object-fit:cover;border-radius:6px}
.block-context{display:flex;flex-wrap:wrap;align-items:center;gap:6px;font-size:12px;color:#616061}
.context-image{width:20px;height:20px;border-radius:4px;object-fit:cover}
.block-image-img{max-width:360px;max-height:360px;border-radius:6px;border:1px solid #e2e2e2;display:block}
.image-title{font-size:13px;color:#616061;margin-bottom:4px}
.block-actions{display:flex;flex-wrap:wrap;gap:8px;margin-top:8px}
.button{font:700 13px inherit;border:1px solid #c8c8c8;background:#fff;color:#1d1c1d;border-radius:4px;padding:4px 12px;cursor:default;display:inline-block}
.button-primary{background:#007a5a;border-color:#007a5a;color:#fff}.button-danger{background:#fff;border-color:#e01e5a;color:#e01e5a}
.files{display:flex;flex-direction:column;gap:6px;margin-top:6px}
.file-video video{width:270px;max-height:480px;border-radius:8px;background:#000;display:block}
.file-image img{max-width:360px;border-radius:8px;border:1px solid #e2e2e2;display:block}
.file-title{font-size:12px;color:#616061;margin-top:2px}
.file-other{border:1px solid #e2e2e2;border-radius:6px;padding:8px 12px;display:inline-block}
.reactions{display:flex;flex-wrap:wrap;gap:4px;margin-top:4px}
.reaction{display:inline-flex;align-items:center;gap:4px;background:#f2f2f2;border:1px solid #e2e2e2;border-radius:12px;padding:1px 8px;font-size:13px}
.reaction .count{font-weight:700;color:#1264a3}.reaction-users{color:#616061;font-size:11px}
.replies-divider{display:flex;align-items:center;gap:10px;padding:4px 20px;color:#616061;font-size:13px}
.replies-divider:after{content:"";flex:1;border-top:1px solid #e2e2e2}
.assistant-status{padding:6px 20px 14px 66px;color:#616061;font-style:italic;font-size:13px}
.unknown-block{color:#868686;font-size:12px}
"""

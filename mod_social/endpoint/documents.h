/* documents.h: discussions of files that are not HTML pages. */
#ifndef SOCIAL_DOCUMENTS_H
#define SOCIAL_DOCUMENTS_H

#include <httpd.h>

/* GET {base}/discuss?page=PATH: the file shown where a browser can (a
 * PDF in its viewer, an image, audio or video, plain text), a download
 * link, and the file's discussion, in the module's own page. */
int social_documents_discuss_page(request_rec *r);

#endif /* SOCIAL_DOCUMENTS_H */
